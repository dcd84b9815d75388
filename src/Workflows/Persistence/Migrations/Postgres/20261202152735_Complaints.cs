using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Complaints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "complaints",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    region_code = table.Column<string>(type: "text", nullable: false),
                    subject = table.Column<string>(type: "text", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    complainant_name = table.Column<string>(type: "text", nullable: false),
                    complainant_phone = table.Column<string>(type: "text", nullable: true),
                    case_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    due_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    due_at_provisional = table.Column<bool>(type: "boolean", nullable: false),
                    escalated = table.Column<bool>(type: "boolean", nullable: false),
                    escalated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    escalated_from = table.Column<string>(type: "text", nullable: true),
                    reply = table.Column<string>(type: "text", nullable: true),
                    replied_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    replied_by = table.Column<string>(type: "text", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaints", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaints_case_id",
                table: "complaints",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_complaints_owner_status",
                table: "complaints",
                columns: new[] { "owner", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_complaints_status_due_at",
                table: "complaints",
                columns: new[] { "status", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "complaints");
        }
    }
}
