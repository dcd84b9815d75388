using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Benefits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "benefit_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    benefit_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    change = table.Column<string>(type: "TEXT", nullable: false),
                    monthly_amount_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    until_period = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    by = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_benefit_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "benefits",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    procedure = table.Column<string>(type: "TEXT", nullable: false),
                    region_code = table.Column<string>(type: "TEXT", nullable: false),
                    monthly_amount_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    basis_json = table.Column<string>(type: "TEXT", nullable: false),
                    from_period = table.Column<string>(type: "TEXT", nullable: false),
                    until_period = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_benefits", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_benefit_changes_benefit_id",
                table: "benefit_changes",
                column: "benefit_id");

            migrationBuilder.CreateIndex(
                name: "IX_benefits_case_id",
                table: "benefits",
                column: "case_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_benefits_status_region_code",
                table: "benefits",
                columns: new[] { "status", "region_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "benefit_changes");

            migrationBuilder.DropTable(
                name: "benefits");
        }
    }
}
