using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
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

            migrationBuilder.CreateIndex(
                name: "IX_timers_status_due_at",
                table: "timers",
                columns: new[] { "status", "due_at" });
        }
    }
}
