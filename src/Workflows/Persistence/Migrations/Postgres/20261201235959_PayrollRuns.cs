using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayrollRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "bank_account",
                table: "payments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "bank_account_corrected_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "failure_reason",
                table: "payments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payee_id_number",
                table: "payments",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "payee_name",
                table: "payments",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "result_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "run_id",
                table: "payments",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "sent_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "bank_file_downloads",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    format = table.Column<string>(type: "text", nullable: false),
                    encoding = table.Column<string>(type: "text", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    total_fen = table.Column<long>(type: "bigint", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_file_downloads", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bank_returns",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    paid = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    unmatched = table.Column<int>(type: "integer", nullable: false),
                    mismatched = table.Column<int>(type: "integer", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_returns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payroll_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    region_code = table.Column<string>(type: "text", nullable: false),
                    period = table.Column<string>(type: "text", nullable: false),
                    supplementary = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    total_fen = table.Column<long>(type: "bigint", nullable: false),
                    by_procedure_json = table.Column<string>(type: "text", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    approved_by = table.Column<string>(type: "text", nullable: true),
                    approved_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    reconciled_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    paid_count = table.Column<int>(type: "integer", nullable: false),
                    paid_fen = table.Column<long>(type: "bigint", nullable: false),
                    failed_count = table.Column<int>(type: "integer", nullable: false),
                    failed_fen = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payroll_runs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_payments_run_id",
                table: "payments",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "IX_payments_unsent",
                table: "payments",
                column: "region_code",
                filter: "run_id IS NULL AND status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "IX_bank_file_downloads_run_id",
                table: "bank_file_downloads",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "IX_bank_returns_run_id",
                table: "bank_returns",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "IX_payroll_runs_regular",
                table: "payroll_runs",
                columns: new[] { "region_code", "period" },
                unique: true,
                filter: "NOT supplementary");

            // Payments made before this migration name their payee from their case, as new ones do when they are made.
            migrationBuilder.Sql("""
                UPDATE payments AS p SET payee_name = c.applicant_name, payee_id_number = c.applicant_id_number,
                    bank_account = NULLIF(c.data_json::jsonb #>> '{applicant,bankAccount}', '')
                FROM cases AS c WHERE c.id = p.case_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bank_file_downloads");

            migrationBuilder.DropTable(
                name: "bank_returns");

            migrationBuilder.DropTable(
                name: "payroll_runs");

            migrationBuilder.DropIndex(
                name: "IX_payments_run_id",
                table: "payments");

            migrationBuilder.DropIndex(
                name: "IX_payments_unsent",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "bank_account",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "bank_account_corrected_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "failure_reason",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "payee_id_number",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "payee_name",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "result_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "run_id",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "sent_at",
                table: "payments");
        }
    }
}
