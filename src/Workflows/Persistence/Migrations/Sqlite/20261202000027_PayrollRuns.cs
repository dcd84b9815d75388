using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "bank_account_corrected_at",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "failure_reason",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "payee_id_number",
                table: "payments",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "payee_name",
                table: "payments",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "result_at",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "run_id",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "sent_at",
                table: "payments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "bank_file_downloads",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    run_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    format = table.Column<string>(type: "TEXT", nullable: false),
                    encoding = table.Column<string>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    total_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    by = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_file_downloads", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bank_returns",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    run_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    rows = table.Column<int>(type: "INTEGER", nullable: false),
                    paid = table.Column<int>(type: "INTEGER", nullable: false),
                    failed = table.Column<int>(type: "INTEGER", nullable: false),
                    unmatched = table.Column<int>(type: "INTEGER", nullable: false),
                    mismatched = table.Column<int>(type: "INTEGER", nullable: false),
                    by = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_returns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payroll_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    region_code = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    supplementary = table.Column<bool>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    total_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    by_procedure_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    approved_by = table.Column<string>(type: "TEXT", nullable: true),
                    approved_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    sent_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    reconciled_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    paid_count = table.Column<int>(type: "INTEGER", nullable: false),
                    paid_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    failed_count = table.Column<int>(type: "INTEGER", nullable: false),
                    failed_fen = table.Column<long>(type: "INTEGER", nullable: false)
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
                UPDATE payments SET
                    payee_name = (SELECT c.applicant_name FROM cases AS c WHERE c.id = payments.case_id),
                    payee_id_number = (SELECT c.applicant_id_number FROM cases AS c WHERE c.id = payments.case_id),
                    bank_account = (SELECT NULLIF(json_extract(c.data_json, '$.applicant.bankAccount'), '') FROM cases AS c WHERE c.id = payments.case_id)
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
