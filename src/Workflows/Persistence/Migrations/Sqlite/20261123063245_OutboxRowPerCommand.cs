using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxRowPerCommand : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One row per command and case, its events in order: the rows already written become one-event rows.
            migrationBuilder.AddColumn<string>(name: "events_json", table: "outbox", type: "TEXT", nullable: false, defaultValue: "[]");
            migrationBuilder.Sql("""
                UPDATE outbox SET events_json = json_array(CASE WHEN task_id IS NULL
                    THEN json_object('type', type, 'caseId', case_id, 'payment', json(payload_json))
                    ELSE json_object('type', type, 'caseId', case_id, 'task', json(payload_json)) END);
                """);
            foreach (var column in new[] { "type", "task_id", "region_code", "role", "payload_json" })
                migrationBuilder.DropColumn(name: column, table: "outbox");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "type", table: "outbox", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<Guid>(name: "task_id", table: "outbox", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<string>(name: "region_code", table: "outbox", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "role", table: "outbox", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<string>(name: "payload_json", table: "outbox", type: "TEXT", nullable: false, defaultValue: "{}");
            // Each event back into a row of its own, in order (a payment event's region is not kept: left empty).
            migrationBuilder.Sql("""
                INSERT INTO outbox (at, case_id, dispatched_at, events_json, type, task_id, region_code, role, payload_json)
                SELECT o.at, o.case_id, o.dispatched_at, '', json_extract(x.value, '$.type'),
                       upper(coalesce(json_extract(x.value, '$.task.id'), json_extract(x.value, '$.removed.id'))),
                       coalesce(json_extract(x.value, '$.task.regionCode'), json_extract(x.value, '$.removed.regionCode'), ''),
                       coalesce(json_extract(x.value, '$.task.role'), json_extract(x.value, '$.removed.role')),
                       coalesce(json_extract(x.value, '$.task'), json_extract(x.value, '$.removed'), json_extract(x.value, '$.payment'))
                FROM outbox o, json_each(o.events_json) AS x
                WHERE o.events_json <> ''
                ORDER BY o.id, x.key;
                DELETE FROM outbox WHERE events_json <> '';
                """);
            migrationBuilder.DropColumn(name: "events_json", table: "outbox");
        }
    }
}
