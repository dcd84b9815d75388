using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeathMatchesDisputedAndSubsidyRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payroll_runs_price_subsidy",
                table: "payroll_runs");

            migrationBuilder.DropIndex(
                name: "IX_death_matches_case_id_person",
                table: "death_matches");

            migrationBuilder.DropIndex(
                name: "IX_death_matches_task_id",
                table: "death_matches");

            migrationBuilder.DropIndex(
                name: "IX_data_comparison_rows_comparison_id",
                table: "data_comparison_rows");

            migrationBuilder.DropIndex(
                name: "IX_benefit_persons_benefit_id",
                table: "benefit_persons");

            migrationBuilder.RenameColumn(
                name: "suspended_from",
                table: "death_matches",
                newName: "suspended_from_period");

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_price_subsidy_id",
                table: "payroll_runs",
                column: "price_subsidy_id");

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_case_id_person",
                table: "death_matches",
                columns: new[] { "case_id", "person" },
                unique: true,
                filter: "status <> 'disputed'");

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_task_id",
                table: "death_matches",
                column: "task_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_data_comparison_rows_comparison_id_result_row",
                table: "data_comparison_rows",
                columns: new[] { "comparison_id", "result", "row" });

            migrationBuilder.CreateIndex(
                name: "IX_benefit_persons_benefit_id_person",
                table: "benefit_persons",
                columns: new[] { "benefit_id", "person" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payroll_runs_price_subsidy_id",
                table: "payroll_runs");

            migrationBuilder.DropIndex(
                name: "IX_death_matches_case_id_person",
                table: "death_matches");

            migrationBuilder.DropIndex(
                name: "IX_death_matches_task_id",
                table: "death_matches");

            migrationBuilder.DropIndex(
                name: "IX_data_comparison_rows_comparison_id_result_row",
                table: "data_comparison_rows");

            migrationBuilder.DropIndex(
                name: "IX_benefit_persons_benefit_id_person",
                table: "benefit_persons");

            migrationBuilder.RenameColumn(
                name: "suspended_from_period",
                table: "death_matches",
                newName: "suspended_from");

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_price_subsidy",
                table: "payroll_runs",
                columns: new[] { "region_code", "price_subsidy_id" },
                unique: true,
                filter: "price_subsidy_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_case_id_person",
                table: "death_matches",
                columns: new[] { "case_id", "person" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_task_id",
                table: "death_matches",
                column: "task_id");

            migrationBuilder.CreateIndex(
                name: "IX_data_comparison_rows_comparison_id",
                table: "data_comparison_rows",
                column: "comparison_id");

            migrationBuilder.CreateIndex(
                name: "IX_benefit_persons_benefit_id",
                table: "benefit_persons",
                column: "benefit_id");
        }
    }
}
