using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
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
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "applicant_bank_account",
                table: "cases",
                type: "text",
                nullable: true);

            // Rows written before: each payment's programme from its case, each case's account from its data.
            migrationBuilder.Sql("UPDATE payments AS p SET procedure = c.procedure FROM cases AS c WHERE c.id = p.case_id");
            migrationBuilder.Sql("UPDATE cases SET applicant_bank_account = NULLIF(data_json::json #>> '{applicant,bankAccount}', '')");
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
