using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TimersIndexedWhilePending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_timers_status_due_at",
                table: "timers");

            migrationBuilder.AlterTable(
                name: "timers")
                .Annotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.AlterTable(
                name: "cases")
                .Annotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.CreateIndex(
                name: "IX_timers_failed",
                table: "timers",
                column: "due_at",
                filter: "status = 'failed'");

            migrationBuilder.CreateIndex(
                name: "IX_timers_pending",
                table: "timers",
                column: "due_at",
                filter: "status = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_timers_failed",
                table: "timers");

            migrationBuilder.DropIndex(
                name: "IX_timers_pending",
                table: "timers");

            migrationBuilder.AlterTable(
                name: "timers")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.AlterTable(
                name: "cases")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.CreateIndex(
                name: "IX_timers_status_due_at",
                table: "timers",
                columns: new[] { "status", "due_at" });
        }
    }
}
