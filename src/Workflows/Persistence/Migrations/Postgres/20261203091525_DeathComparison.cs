using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeathComparison : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "suspended_from_period",
                table: "benefits",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "benefit_persons",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    benefit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    relation = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_benefit_persons", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_comparison_rows",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    comparison_id = table.Column<Guid>(type: "uuid", nullable: false),
                    row = table.Column<int>(type: "integer", nullable: false),
                    person = table.Column<string>(type: "text", nullable: false),
                    masked_id_number = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: true),
                    source = table.Column<string>(type: "text", nullable: false),
                    result = table.Column<string>(type: "text", nullable: false),
                    field = table.Column<string>(type: "text", nullable: true),
                    message = table.Column<string>(type: "text", nullable: true),
                    case_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_comparison_rows", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_comparisons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    region_code = table.Column<string>(type: "text", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    matched = table.Column<int>(type: "integer", nullable: false),
                    unmatched = table.Column<int>(type: "integer", nullable: false),
                    already_handled = table.Column<int>(type: "integer", nullable: false),
                    invalid = table.Column<int>(type: "integer", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_comparisons", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "death_matches",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    comparison_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    benefit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    relation = table.Column<string>(type: "text", nullable: false),
                    died_on = table.Column<DateOnly>(type: "date", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    suspended_from = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    decided_by = table.Column<string>(type: "text", nullable: true),
                    decided_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_death_matches", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_benefit_persons_benefit_id",
                table: "benefit_persons",
                column: "benefit_id");

            migrationBuilder.CreateIndex(
                name: "IX_benefit_persons_person",
                table: "benefit_persons",
                column: "person");

            migrationBuilder.CreateIndex(
                name: "IX_data_comparison_rows_comparison_id",
                table: "data_comparison_rows",
                column: "comparison_id");

            migrationBuilder.CreateIndex(
                name: "IX_data_comparisons_kind_region_code_sha256",
                table: "data_comparisons",
                columns: new[] { "kind", "region_code", "sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_case_id_person",
                table: "death_matches",
                columns: new[] { "case_id", "person" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_death_matches_task_id",
                table: "death_matches",
                column: "task_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "benefit_persons");

            migrationBuilder.DropTable(
                name: "data_comparison_rows");

            migrationBuilder.DropTable(
                name: "data_comparisons");

            migrationBuilder.DropTable(
                name: "death_matches");

            migrationBuilder.DropColumn(
                name: "suspended_from_period",
                table: "benefits");
        }
    }
}
