using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>What the outbox dispatcher does beyond sending: sent notifications are kept for the retention (7 days by
/// default), then deleted, unsent ones never; a row it cannot read does not hold back the others.</summary>
public sealed class OutboxDispatcherTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task Sent_notifications_are_deleted_once_older_than_the_retention_and_newer_ones_are_kept()
    {
        var (host, admin, _) = await StartSeededAsync();
        var openDb = host.Services.GetRequiredService<Func<WorkflowDb>>();
        var start = DateTimeOffset.Parse((await admin.GetOk("/api/test/clock"))["now"]!.GetValue<string>());
        var old = await StartCaseAsync(host, openDb);

        await admin.PostOk("/api/test/clock", new { now = start.AddDays(6) });
        var recent = await StartCaseAsync(host, openDb);
        await StartCaseAsync(host, openDb);
        await using (var db = openDb()) Assert.True(await db.Outbox.AnyAsync(o => o.CaseId == old)); // 6 days: kept

        await admin.PostOk("/api/test/clock", new { now = start.AddDays(8) });
        await StartCaseAsync(host, openDb);
        await StartCaseAsync(host, openDb);
        await using (var db = openDb())
        {
            Assert.False(await db.Outbox.AnyAsync(o => o.CaseId == old)); // 8 days: deleted
            Assert.True(await db.Outbox.AnyAsync(o => o.CaseId == recent)); // 2 days: kept
            Assert.True(await db.History.AnyAsync(h => h.CaseId == old)); // the case's own record is never touched
        }
    }

    [Fact]
    public async Task A_row_that_cannot_be_read_is_passed_over_and_the_notifications_after_it_are_sent()
    {
        var (host, _, _) = await StartSeededAsync();
        var openDb = host.Services.GetRequiredService<Func<WorkflowDb>>();
        var unreadable = new OutboxRecord { At = DateTime.UtcNow, CaseId = Guid.NewGuid(), EventsJson = "{not json" };
        await using (var db = openDb())
        {
            db.Outbox.Add(unreadable);
            await db.SaveChangesAsync();
        }

        await StartCaseAsync(host, openDb); // waits until the new case's notifications are sent

        await using (var db = openDb())
            Assert.NotNull((await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == unreadable.Id)).DispatchedAt);
    }

    /// <summary>Starts a case and waits until the dispatcher has sent its notifications. Rounds run one after
    /// another, each purging after it sends: once a case started after a clock move is sent, and another after
    /// it, the purge at the new time has run.</summary>
    private static async Task<Guid> StartCaseAsync(ServiceHost host, Func<WorkflowDb> openDb)
    {
        // A fresh login: tokens expire on the service's clock, which this test moves by days.
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(IdNumbers.Next()), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(20); waited += TimeSpan.FromMilliseconds(100))
        {
            await using var db = openDb();
            if (await db.Outbox.AnyAsync(o => o.CaseId == id) && !await db.Outbox.AnyAsync(o => o.CaseId == id && o.DispatchedAt == null))
                return id;
            await Task.Delay(100);
        }
        Assert.Fail("The case's notifications were not sent within 20 s.");
        return id;
    }
}
