using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HistoryRowPerCaseVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_history_case_id",
                table: "case_history");

            migrationBuilder.AddColumn<int>(
                name: "case_version",
                table: "case_history",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_history_case_id_case_version",
                table: "case_history",
                columns: new[] { "case_id", "case_version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_history_case_id_case_version",
                table: "case_history");

            migrationBuilder.DropColumn(
                name: "case_version",
                table: "case_history");

            migrationBuilder.CreateIndex(
                name: "IX_case_history_case_id",
                table: "case_history",
                column: "case_id");
        }
    }
}
