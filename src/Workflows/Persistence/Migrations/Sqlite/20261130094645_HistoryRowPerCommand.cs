using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HistoryRowPerCommand : Migration
    {
        private static readonly string[] EntryColumns = ["step", "action", "outcome", "comment", "details_json"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One row per command and case, its actions in order: the rows already written become one-action rows.
            migrationBuilder.AddColumn<string>(name: "entries_json", table: "case_history", type: "TEXT", nullable: false, defaultValue: "[]");
            migrationBuilder.Sql("""
                UPDATE case_history SET entries_json = json_array(json_object('step', step, 'action', action,
                    'outcome', outcome, 'comment', comment, 'details', json(details_json)));
                """);
            foreach (var column in EntryColumns)
                migrationBuilder.DropColumn(name: column, table: "case_history");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "step", table: "case_history", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "action", table: "case_history", type: "TEXT", nullable: false, defaultValue: "");
            foreach (var column in new[] { "outcome", "comment", "details_json" })
                migrationBuilder.AddColumn<string>(name: column, table: "case_history", type: "TEXT", nullable: true);
            // Each action back into a row of its own, in order.
            migrationBuilder.Sql("""
                INSERT INTO case_history (case_id, at, actor, entries_json, step, action, outcome, comment, details_json)
                SELECT h.case_id, h.at, h.actor, '', json_extract(x.value, '$.step'), json_extract(x.value, '$.action'),
                       json_extract(x.value, '$.outcome'), json_extract(x.value, '$.comment'), json_extract(x.value, '$.details')
                FROM case_history h, json_each(h.entries_json) AS x
                WHERE h.entries_json <> ''
                ORDER BY h.id, x.key;
                DELETE FROM case_history WHERE entries_json <> '';
                """);
            migrationBuilder.DropColumn(name: "entries_json", table: "case_history");
        }
    }
}
