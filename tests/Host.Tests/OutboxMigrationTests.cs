using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;

namespace Workflows.Host.Tests;

/// <summary>
/// The outbox went from one row per event to one row per command. Upgrading a database must keep every
/// notification not yet sent, in order, and going back must split the rows again — on both providers.
/// </summary>
public abstract class OutboxMigrationTests
{
    private const string OneRowPerEvent = "_CommandPathIndexesAndIdempotency"; // the migration before, per provider
    private static readonly Guid CaseId = Guid.Parse("6f1de5c1-0000-4000-8000-000000000001");
    private static readonly Guid TaskId = Guid.Parse("6f1de5c1-0000-4000-8000-0000000000aa");
    private static readonly Guid PaymentId = Guid.Parse("6f1de5c1-0000-4000-8000-0000000000bb");

    protected abstract string Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    [Fact]
    public async Task Rows_written_one_per_event_become_one_event_rows_in_order_and_split_again_on_the_way_back()
    {
        await using var db = WorkflowDb.Create(Provider, await NewDatabaseAsync());
        var migrator = db.GetService<IMigrator>();
        var before = db.Database.GetMigrations().Single(m => m.EndsWith(OneRowPerEvent));
        await migrator.MigrateAsync(before);
        // EF Core keeps a Guid as uuid on PostgreSQL and as upper-case text on SQLite.
        object caseId = db.IsPostgres ? CaseId : CaseId.ToString().ToUpperInvariant();
        object taskId = db.IsPostgres ? TaskId : TaskId.ToString().ToUpperInvariant();
        // As the engine wrote them: a task event carries the task as the inbox shows it; a payment, its own payload.
        var task = $$"""{"id":"{{TaskId}}","caseId":"{{CaseId}}","procedure":"migrant-worker-aid","step":"township-review","name":"乡镇审核","role":"township-officer","level":"township","regionCode":"220102001","createdAt":"2026-02-02T01:00:00Z","dueAt":null,"overdue":false,"claimedBy":null,"outcomes":["approve","refuse"],"status":"open","escalated":false,"workingDaysLeft":null}""";
        var payment = $$"""{"Id":"{{PaymentId}}","CaseId":"{{CaseId}}","amount":800.00,"PaymentKey":"i1"}""";
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO outbox (at, type, case_id, task_id, region_code, role, payload_json, dispatched_at) VALUES " +
            "({0}, 'taskAssigned', {1}, {2}, '220102001', 'township-officer', {3}, NULL), " +
            "({0}, 'paymentRequested', {1}, NULL, '220102001001', NULL, {4}, NULL)",
            new DateTime(2026, 2, 2, 1, 0, 0, DateTimeKind.Utc), caseId, taskId, task, payment);

        await migrator.MigrateAsync();

        var rows = await db.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(CaseId, r.CaseId));
        Assert.All(rows, r => Assert.Null(r.DispatchedAt));
        var assigned = Assert.Single(rows[0].Events());
        Assert.Equal(("taskAssigned", TaskId, "220102001", "township"), (assigned.Type, assigned.Task!.Id, assigned.Task.RegionCode, assigned.Task.Level));
        var paid = Assert.Single(rows[1].Events());
        Assert.Equal(("paymentRequested", PaymentId, 800.00m, "i1"), (paid.Type, paid.Payment!.Id, paid.Payment.Amount, paid.Payment.PaymentKey));

        // A command's row with three events (a removal as written before it kept only its audience, one as written now, a
        // payment), then back to one row per event.
        var removed = new OutboxEvent("taskRemoved", CaseId, Removed: new RemovedTask(TaskId, "220102001", "township", "township-officer"));
        db.Outbox.Add(OutboxRecord.Of(CaseId, DateTime.UtcNow, [assigned with { Type = "taskRemoved" }, removed, paid]));
        await db.SaveChangesAsync();
        await migrator.MigrateAsync(before);

        var types = await db.Database.SqlQueryRaw<string>("SELECT type AS \"Value\" FROM outbox ORDER BY id").ToListAsync();
        Assert.Equal(["taskAssigned", "paymentRequested", "taskRemoved", "taskRemoved", "paymentRequested"], types);
        var taskIds = await db.Database.SqlQueryRaw<string>(
            "SELECT coalesce(CAST(task_id AS TEXT), '-') AS \"Value\" FROM outbox ORDER BY id").ToListAsync();
        Assert.Equal([TaskId.ToString(), "-", TaskId.ToString(), TaskId.ToString(), "-"], taskIds.Select(t => t.ToLowerInvariant()));
        var regions = await db.Database.SqlQueryRaw<string>("SELECT region_code AS \"Value\" FROM outbox ORDER BY id").ToListAsync();
        Assert.Equal(["220102001", "", "220102001", "220102001", ""], regions);
        var payments = await db.Database.SqlQueryRaw<string>(
            "SELECT payload_json AS \"Value\" FROM outbox WHERE type = 'paymentRequested' ORDER BY id").ToListAsync();
        Assert.All(payments, p => Assert.Contains("\"paymentkey\":\"i1\"", p.Replace(" ", "").ToLowerInvariant()));
    }
}

[Collection("postgres")]
public sealed class PostgresOutboxMigrationTests(PostgresFixture postgres) : OutboxMigrationTests
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();
}

public sealed class SqliteOutboxMigrationTests : OutboxMigrationTests
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();
}
