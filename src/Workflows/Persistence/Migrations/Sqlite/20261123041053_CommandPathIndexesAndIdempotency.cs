using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CommandPathIndexesAndIdempotency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_case_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_outbox_dispatched_at",
                table: "outbox");

            migrationBuilder.AddColumn<bool>(
                name: "executed",
                table: "idempotency_keys",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_case_id_status",
                table: "tasks",
                columns: new[] { "case_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_pending",
                table: "outbox",
                column: "id",
                filter: "dispatched_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_case_id_status",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_outbox_pending",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "executed",
                table: "idempotency_keys");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_case_id",
                table: "tasks",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_dispatched_at",
                table: "outbox",
                column: "dispatched_at");
        }
    }
}
