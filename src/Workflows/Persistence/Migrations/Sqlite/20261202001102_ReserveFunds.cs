using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReserveFunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "reserve_fund_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    township_code = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    amount_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    case_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    balance_after_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    by = table.Column<string>(type: "TEXT", nullable: false),
                    note = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reserve_fund_entries", x => x.id);
                    table.CheckConstraint("CK_reserve_fund_entries_balance", "balance_after_fen >= 0");
                });

            migrationBuilder.CreateTable(
                name: "reserve_funds",
                columns: table => new
                {
                    township_code = table.Column<string>(type: "TEXT", nullable: false),
                    balance_fen = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reserve_funds", x => x.township_code);
                    table.CheckConstraint("CK_reserve_funds_balance", "balance_fen >= 0");
                });

            migrationBuilder.CreateIndex(
                name: "IX_reserve_fund_entries_township_code",
                table: "reserve_fund_entries",
                column: "township_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reserve_fund_entries");

            migrationBuilder.DropTable(
                name: "reserve_funds");
        }
    }
}
