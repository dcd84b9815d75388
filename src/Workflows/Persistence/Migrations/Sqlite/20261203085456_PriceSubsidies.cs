using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PriceSubsidies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payroll_runs_regular",
                table: "payroll_runs");

            migrationBuilder.AddColumn<Guid>(
                name: "price_subsidy_id",
                table: "payroll_runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "price_subsidy_id",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "price_subsidies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    region_code = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    amount_per_person_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    categories = table.Column<string>(type: "TEXT", nullable: false),
                    rates_json = table.Column<string>(type: "TEXT", nullable: false),
                    cases = table.Column<int>(type: "INTEGER", nullable: false),
                    persons = table.Column<int>(type: "INTEGER", nullable: false),
                    total_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_price_subsidies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "price_subsidy_shares",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    subsidy_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    person = table.Column<string>(type: "TEXT", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount_fen = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_price_subsidy_shares", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_price_subsidy",
                table: "payroll_runs",
                columns: new[] { "region_code", "price_subsidy_id" },
                unique: true,
                filter: "price_subsidy_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_regular",
                table: "payroll_runs",
                columns: new[] { "region_code", "period" },
                unique: true,
                filter: "NOT supplementary AND price_subsidy_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_payments_price_subsidy_id",
                table: "payments",
                column: "price_subsidy_id");

            migrationBuilder.CreateIndex(
                name: "IX_price_subsidies_region_code_period",
                table: "price_subsidies",
                columns: new[] { "region_code", "period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_price_subsidy_shares_period_person",
                table: "price_subsidy_shares",
                columns: new[] { "period", "person" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_price_subsidy_shares_subsidy_id",
                table: "price_subsidy_shares",
                column: "subsidy_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "price_subsidies");

            migrationBuilder.DropTable(
                name: "price_subsidy_shares");

            migrationBuilder.DropIndex(
                name: "IX_payroll_runs_price_subsidy",
                table: "payroll_runs");

            migrationBuilder.DropIndex(
                name: "IX_payroll_runs_regular",
                table: "payroll_runs");

            migrationBuilder.DropIndex(
                name: "IX_payments_price_subsidy_id",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "price_subsidy_id",
                table: "payroll_runs");

            migrationBuilder.DropColumn(
                name: "price_subsidy_id",
                table: "payments");

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_regular",
                table: "payroll_runs",
                columns: new[] { "region_code", "period" },
                unique: true,
                filter: "NOT supplementary");
        }
    }
}
