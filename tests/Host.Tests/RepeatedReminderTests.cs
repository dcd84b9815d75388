using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Deadlines that keep working (issue: an escalated task gets no new deadline, a reminder is never repeated): JL's
/// home visit is reminded every 2 working days while it stays open past its 5 (deadline.remindEveryWorkingDays).</summary>
public sealed class RepeatedReminderTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_home_visit_left_open_is_reminded_again_every_two_working_days()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        var due = created["openTasks"]!.AsArray().Single()!["dueAt"]!.GetValue<DateTimeOffset>();

        var first = await admin.PostOk("/api/test/clock", new { now = due.AddMinutes(1) });
        Assert.Equal(1, first["timersFired"]!.GetValue<int>());
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var reminders = (await admin.GetOk($"/api/cases/{created["id"]}"))["history"]!.AsArray()
            .Where(h => h!["action"]!.GetValue<string>() == "reminded").ToList();
        var next = Assert.Single(reminders)!["details"]!["nextReminder"]!.GetValue<DateTimeOffset>();
        Assert.True(next > due.AddDays(1), $"next reminder {next:O} after a deadline of {due:O}");

        Assert.Equal(0, (await admin.PostOk("/api/test/clock", new { now = next.AddMinutes(-1) }))["timersFired"]!.GetValue<int>());
        Assert.Equal(1, (await admin.PostOk("/api/test/clock", new { now = next.AddMinutes(1) }))["timersFired"]!.GetValue<int>());
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal(2, (await admin.GetOk($"/api/cases/{created["id"]}"))["history"]!.AsArray()
            .Count(h => h!["action"]!.GetValue<string>() == "reminded"));

        // Done, it is reminded no more.
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await admin.PostOk("/api/test/clock", new { now = next.AddDays(10) });
        Assert.Equal(2, await CountRemindersAsync(host, created));
    }

    private static async Task<int> CountRemindersAsync(ServiceHost host, JsonNode created) =>
        (await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}"))["history"]!
        .AsArray().Count(h => h!["action"]!.GetValue<string>() == "reminded");
}
