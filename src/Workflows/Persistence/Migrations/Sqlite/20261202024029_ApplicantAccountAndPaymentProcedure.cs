using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ApplicantAccountAndPaymentProcedure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "procedure",
                table: "payments",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "applicant_bank_account",
                table: "cases",
                type: "TEXT",
                nullable: true);

            // Rows written before: each payment's programme from its case, each case's account from its data.
            migrationBuilder.Sql("UPDATE payments SET procedure = (SELECT c.procedure FROM cases AS c WHERE c.id = payments.case_id)");
            migrationBuilder.Sql("UPDATE cases SET applicant_bank_account = NULLIF(json_extract(data_json, '$.applicant.bankAccount'), '')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "procedure",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "applicant_bank_account",
                table: "cases");
        }
    }
}
