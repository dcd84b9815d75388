using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Workflows.Cases;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;

namespace Workflows.Host.Tests;

/// <summary>
/// A case's history went from one row per action to one row per command. Upgrading a database must keep every
/// action with its outcome, comment and details, in order, and going back must split the rows again — on both
/// providers.
/// </summary>
public abstract class HistoryMigrationTests
{
    private const string OneRowPerAction = "_OutboxRowPerCommand"; // the migration before, per provider
    private static readonly Guid CaseId = Guid.Parse("6f1de5c1-0000-4000-8000-000000000002");
    private static readonly DateTime At = new(2026, 2, 2, 1, 0, 0, DateTimeKind.Utc);

    protected abstract string Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    [Fact]
    public async Task Rows_written_one_per_action_become_one_action_rows_in_order_and_split_again_on_the_way_back()
    {
        await using var db = WorkflowDb.Create(Provider, await NewDatabaseAsync());
        var migrator = db.GetService<IMigrator>();
        var before = db.Database.GetMigrations().Single(m => m.EndsWith(OneRowPerAction));
        await migrator.MigrateAsync(before);
        // EF Core keeps a Guid as uuid on PostgreSQL and as upper-case text on SQLite.
        object caseId = db.IsPostgres ? CaseId : CaseId.ToString().ToUpperInvariant();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO case_history (case_id, at, actor, step, action, outcome, comment, details_json) VALUES " +
            "({0}, {1}, 'cw', 'village-check', 'completed', 'refuse', '无欠薪证明', '{{\"checkedAt\":null,\"witnesses\":2}}'), " +
            "({0}, {1}, 'cw', 'refused', 'ended', 'rejected', NULL, NULL)",
            caseId, At);

        await migrator.MigrateAsync();

        var rows = await db.History.AsNoTracking().OrderBy(h => h.Id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal((CaseId, At, "cw"), (r.CaseId, r.At, r.Actor)));
        var completed = Assert.Single(rows[0].Entries());
        Assert.Equal(("village-check", "completed", "refuse", "无欠薪证明"), (completed.Step, completed.Action, completed.Outcome, completed.Comment));
        Assert.Equal("""{"checkedAt":null,"witnesses":2}""", completed.Details!.ToJsonString());
        var ended = Assert.Single(rows[1].Entries());
        Assert.Equal(("refused", "ended", "rejected", null, null), (ended.Step, ended.Action, ended.Outcome, ended.Comment, ended.Details));

        // A command's row with two actions, then back to one row per action.
        db.History.Add(HistoryRecord.Of(new CaseRecord { Id = CaseId, Version = 3 }, At.AddDays(1), "tw", [new("township-review", "claimed"), completed with { Comment = null }]));
        await db.SaveChangesAsync();
        await migrator.MigrateAsync(before);

        var actions = await db.Database.SqlQueryRaw<string>(
            "SELECT actor || ':' || step || ':' || action || ':' || coalesce(outcome, '-') || ':' || coalesce(comment, '-') AS \"Value\" " +
            "FROM case_history ORDER BY id").ToListAsync();
        Assert.Equal(["cw:village-check:completed:refuse:无欠薪证明", "cw:refused:ended:rejected:-",
            "tw:township-review:claimed:-:-", "tw:village-check:completed:refuse:-"], actions);
        var details = await db.Database.SqlQueryRaw<string>(
            "SELECT coalesce(details_json, '-') AS \"Value\" FROM case_history ORDER BY id").ToListAsync();
        Assert.Equal(["""{"checkedAt":null,"witnesses":2}""", "-", "-", """{"checkedAt":null,"witnesses":2}"""], details);
    }
}

[Collection("postgres")]
public sealed class PostgresHistoryMigrationTests(PostgresFixture postgres) : HistoryMigrationTests
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();
}

public sealed class SqliteHistoryMigrationTests : HistoryMigrationTests
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();
}
