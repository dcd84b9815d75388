using System.Net;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>Two hosts behind a load balancer (DESIGN.md, Scale-out): an official connected to one is told of a
/// task created through the other, over the Redis backplane (SignalR:Redis).</summary>
public sealed class RedisBackplaneTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task An_event_sent_by_one_host_reaches_a_client_of_the_other()
    {
        using var redis = RedisServer.Start();
        var database = await NewDatabaseAsync();
        // Host A only serves connections; host B takes the commands and sends every event.
        var a = StartOn(database, settings: new() { ["SignalR:Redis"] = redis.Endpoint, ["Outbox:Dispatch"] = "false" }, kestrel: true);
        var b = StartOn(database, settings: new() { ["SignalR:Redis"] = redis.Endpoint }, kestrel: true);
        await Seed.RunAsync(b);

        await using var township = await TaskListener.ConnectAsync(a.Address!, Seed.TownshipOfficer);
        var caseworker = await b.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });

        await township.WaitForAsync(e => e is { Type: "taskAssigned", Step: "township-review" });
    }
}
