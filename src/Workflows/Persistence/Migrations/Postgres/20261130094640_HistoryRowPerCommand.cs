using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HistoryRowPerCommand : Migration
    {
        private static readonly string[] EntryColumns = ["step", "action", "outcome", "comment", "details_json"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One row per command and case, its actions in order: the rows already written become one-action rows.
            migrationBuilder.AddColumn<string>(name: "entries_json", table: "case_history", type: "text", nullable: false, defaultValue: "[]");
            migrationBuilder.Sql("""
                UPDATE case_history SET entries_json = json_build_array(json_build_object('step', step, 'action', action,
                    'outcome', outcome, 'comment', comment, 'details', details_json::json))::text;
                """);
            foreach (var column in EntryColumns)
                migrationBuilder.DropColumn(name: column, table: "case_history");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "step", table: "case_history", type: "text", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "action", table: "case_history", type: "text", nullable: false, defaultValue: "");
            foreach (var column in new[] { "outcome", "comment", "details_json" })
                migrationBuilder.AddColumn<string>(name: column, table: "case_history", type: "text", nullable: true);
            // Each action back into a row of its own, in order.
            migrationBuilder.Sql("""
                INSERT INTO case_history (case_id, at, actor, entries_json, step, action, outcome, comment, details_json)
                SELECT h.case_id, h.at, h.actor, '', x.e->>'step', x.e->>'action', x.e->>'outcome', x.e->>'comment',
                       NULLIF((x.e->'details')::text, 'null')
                FROM case_history h, json_array_elements(h.entries_json::json) WITH ORDINALITY AS x(e, n)
                WHERE h.entries_json <> ''
                ORDER BY h.id, x.n;
                DELETE FROM case_history WHERE entries_json <> '';
                """);
            migrationBuilder.DropColumn(name: "entries_json", table: "case_history");
        }
    }
}
