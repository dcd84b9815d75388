using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxRowPerCommand : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One row per command and case, its events in order: the rows already written become one-event rows.
            migrationBuilder.AddColumn<string>(name: "events_json", table: "outbox", type: "text", nullable: false, defaultValue: "[]");
            migrationBuilder.Sql("""
                UPDATE outbox SET events_json = json_build_array(CASE WHEN task_id IS NULL
                    THEN json_build_object('type', type, 'caseId', case_id, 'payment', payload_json::json)
                    ELSE json_build_object('type', type, 'caseId', case_id, 'task', payload_json::json) END)::text;
                """);
            foreach (var column in new[] { "type", "task_id", "region_code", "role", "payload_json" })
                migrationBuilder.DropColumn(name: column, table: "outbox");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "type", table: "outbox", type: "text", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<Guid>(name: "task_id", table: "outbox", type: "uuid", nullable: true);
            migrationBuilder.AddColumn<string>(name: "region_code", table: "outbox", type: "text", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "role", table: "outbox", type: "text", nullable: true);
            migrationBuilder.AddColumn<string>(name: "payload_json", table: "outbox", type: "text", nullable: false, defaultValue: "{}");
            // Each event back into a row of its own, in order (a payment event's region is not kept: left empty).
            migrationBuilder.Sql("""
                INSERT INTO outbox (at, case_id, dispatched_at, events_json, type, task_id, region_code, role, payload_json)
                SELECT o.at, o.case_id, o.dispatched_at, '', x.e->>'type', (t.task->>'id')::uuid,
                       coalesce(t.task->>'regionCode', ''), t.task->>'role', coalesce(t.task, x.e->'payment')::text
                FROM outbox o, json_array_elements(o.events_json::json) WITH ORDINALITY AS x(e, n),
                     -- The task, or what a removal keeps of it. A key holding JSON null is not SQL NULL: typed, not coalesced.
                     LATERAL (SELECT CASE WHEN json_typeof(x.e->'task') = 'object' THEN x.e->'task'
                                          WHEN json_typeof(x.e->'removed') = 'object' THEN x.e->'removed' END AS task) AS t
                WHERE o.events_json <> ''
                ORDER BY o.id, x.n;
                DELETE FROM outbox WHERE events_json <> '';
                """);
            migrationBuilder.DropColumn(name: "events_json", table: "outbox");
        }
    }
}
