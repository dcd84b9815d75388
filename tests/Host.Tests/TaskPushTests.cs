using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Tasks;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>SignalR push from the outbox (API.md, Real time), with the .NET client over real WebSockets.</summary>
public sealed class TaskPushTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    private async Task<(ServiceHost Host, Uri Server, Api Admin)> StartAsync()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var server = host.Address!;
        var admin = await Seed.RunAsync(host);
        await admin.PostOk("/api/admin/users", new
        {
            username = "caseworker-west", password = Seed.Password, displayName = "西岭协理员",
            roles = new[] { "village-caseworker" }, regionCode = Seed.OtherVillage,
        }, HttpStatusCode.Created);
        return (host, server, admin);
    }

    private static async Task AssertEventsMatchInboxAsync(ServiceHost host, params TaskListener[] listeners)
    {
        foreach (var listener in listeners)
        {
            var inbox = (await (await host.LoginAsync(listener.Username)).GetOk("/api/tasks"))["items"]!.AsArray()
                .Select(t => t!["id"]!.GetValue<string>()).ToHashSet();
            Assert.True(inbox.SetEquals(listener.TasksShown()),
                $"{listener.Username}: inbox [{string.Join(", ", inbox)}] but events show [{string.Join(", ", listener.TasksShown())}]");
            Assert.True(inbox.SetEquals((await listener.InboxAsync()).Select(t => t["id"]!.GetValue<string>())));
        }
    }

    [Fact]
    public async Task Each_event_reaches_exactly_the_officials_whose_inbox_holds_the_task()
    {
        var (host, server, admin) = await StartAsync();
        await using var caseworker = await TaskListener.ConnectAsync(server, Seed.Caseworker);
        await using var westCaseworker = await TaskListener.ConnectAsync(server, "caseworker-west");
        await using var township = await TaskListener.ConnectAsync(server, Seed.TownshipOfficer);
        await using var otherTownship = await TaskListener.ConnectAsync(server, Seed.OtherTownshipOfficer);
        await using var county = await TaskListener.ConnectAsync(server, Seed.CountyOfficer);
        var caseworkerApi = await host.LoginAsync(Seed.Caseworker);

        var first = await caseworkerApi.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        var villageTask = first["openTasks"]![0]!["id"]!.GetValue<string>();
        await caseworker.WaitForAsync(e => e is { Type: "taskAssigned", Step: "village-check" } && e.TaskId == villageTask);

        await caseworkerApi.PostOk($"/api/tasks/{villageTask}/claim");
        await caseworker.WaitForAsync(e => e.Type == "taskUpdated" && e.TaskId == villageTask);
        await caseworkerApi.PostOk($"/api/tasks/{villageTask}/complete", new { outcome = "confirm" });
        await caseworker.WaitForAsync(e => e.Type == "taskRemoved" && e.TaskId == villageTask);
        await township.WaitForAsync(e => e is { Type: "taskAssigned", Step: "township-review" });

        // A second case left to pass its village deadline: escalated to the township, which is told it is overdue.
        var second = await caseworkerApi.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        var late = second["openTasks"]![0]!["id"]!.GetValue<string>();
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 26, 9, 0, 0, TimeSpan.FromHours(8)) });
        await caseworker.WaitForAsync(e => e.Type == "taskRemoved" && e.TaskId == late);
        await township.WaitForAsync(e => e.Type == "taskOverdue" && e.TaskId == late);

        await Task.Delay(1500); // anything still in flight would arrive now
        Assert.Empty(westCaseworker.Events);
        Assert.Empty(otherTownship.Events);
        Assert.Empty(county.Events);
        await AssertEventsMatchInboxAsync(host, caseworker, township, westCaseworker, otherTownship, county);
    }

    [Fact]
    public async Task Nothing_is_pushed_for_a_command_that_rolled_back()
    {
        var (host, server, _) = await StartAsync();
        await using var caseworker = await TaskListener.ConnectAsync(server, Seed.Caseworker);
        await using var township = await TaskListener.ConnectAsync(server, Seed.TownshipOfficer);
        var caseworkerApi = await host.LoginAsync(Seed.Caseworker);
        var townshipApi = await host.LoginAsync(Seed.TownshipOfficer);

        // Two applications of one person at once: the loser's case, task and outbox rows roll back together.
        var idNumber = IdNumbers.Next();
        var created = await Task.WhenAll(
            caseworkerApi.PostAsync("/api/cases", Seed.MigrantWorkerApplication(idNumber)),
            townshipApi.PostAsync("/api/cases", Seed.MigrantWorkerApplication(idNumber, region: Seed.Township)));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], created.Select(r => r.StatusCode).Order());

        // Two completes of one task at once: one commits, the other rolls back.
        var task = (await caseworkerApi.GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();
        var completes = await Task.WhenAll(
            caseworkerApi.PostAsync($"/api/tasks/{task}/complete", new { outcome = "confirm" }),
            caseworkerApi.PostAsync($"/api/tasks/{task}/complete", new { outcome = "confirm" }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], completes.Select(r => r.StatusCode).Order());
        // A refused complete (422) writes nothing either.
        var review = (await townshipApi.GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();
        await Api.ExpectProblem(await townshipApi.PostAsync($"/api/tasks/{review}/complete", new { outcome = "reject" }),
            HttpStatusCode.UnprocessableEntity, "comment");

        await township.WaitForAsync(e => e.Type == "taskAssigned");
        await Task.Delay(1500);
        Assert.Single(caseworker.Events, e => e.Type == "taskAssigned");
        Assert.Single(caseworker.Events, e => e.Type == "taskRemoved");
        Assert.Single(township.Events);
        await AssertEventsMatchInboxAsync(host, caseworker, township);
    }

    [Fact]
    public async Task A_removal_written_with_the_whole_task_before_an_upgrade_is_still_pushed_as_its_id()
    {
        var (host, server, _) = await StartAsync();
        await using var caseworker = await TaskListener.ConnectAsync(server, Seed.Caseworker);
        await using var westCaseworker = await TaskListener.ConnectAsync(server, "caseworker-west");
        var (caseId, taskId) = (Guid.NewGuid(), Guid.NewGuid());
        var task = new TaskView(taskId, caseId, "migrant-worker-aid", "village-check", "村（社区）调查核实", "village-caseworker",
            "village", Seed.Village, DateTime.UtcNow, null, false, false, null, ["confirm"], "open", false, null);
        await using (var db = host.Services.GetRequiredService<Func<WorkflowDb>>()())
        {
            db.Outbox.Add(OutboxRecord.Of(caseId, DateTime.UtcNow, [new OutboxEvent("taskRemoved", caseId, task)]));
            await db.SaveChangesAsync();
        }

        await caseworker.WaitForAsync(e => e.Type == "taskRemoved" && e.TaskId == taskId.ToString());
        await Task.Delay(500); // one send reaches every group of the audience together
        Assert.Empty(westCaseworker.Events);
    }
}
