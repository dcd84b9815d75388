using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
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
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    region_code = table.Column<string>(type: "TEXT", nullable: false),
                    subject = table.Column<string>(type: "TEXT", nullable: false),
                    content = table.Column<string>(type: "TEXT", nullable: false),
                    complainant_name = table.Column<string>(type: "TEXT", nullable: false),
                    complainant_phone = table.Column<string>(type: "TEXT", nullable: true),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    owner = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    due_at_provisional = table.Column<bool>(type: "INTEGER", nullable: false),
                    escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    escalated_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    escalated_from = table.Column<string>(type: "TEXT", nullable: true),
                    reply = table.Column<string>(type: "TEXT", nullable: true),
                    replied_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    replied_by = table.Column<string>(type: "TEXT", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
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
