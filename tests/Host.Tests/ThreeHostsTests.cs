using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Xunit.Abstractions;

namespace Workflows.Host.Tests;

/// <summary>
/// Three hosts, as a province runs them (DESIGN.md, Scale-out; README, Three hosts): each its own process on one
/// PostgreSQL, a Redis backplane, haproxy in front. One host is killed with SIGKILL while it fires a wave of deadline
/// timers and officials' commands stream through the balancer; the test then checks that no command was lost or applied
/// twice (clients retry with their Idempotency-Key), that every timer fired once (the dead host's claimed batch taken
/// over when its lease ran out), that every push reached the officials connected to the two hosts left, and that
/// nothing was left in the outbox.
/// </summary>
public sealed class ThreeHostsTests(PostgresFixture postgres, ITestOutputHelper output) : PostgresTest(postgres)
{
    private const int TimerCases = 600;
    private const int LoadCases = 240;
    private const int Clients = 8;
    private const int LeaseSeconds = 60;

    [Fact]
    public async Task A_host_killed_under_load_loses_no_command_and_no_timer_and_the_others_carry_its_pushes()
    {
        using var redis = RedisServer.Start();
        var database = await NewDatabaseAsync();
        var start = Seed.BeforeSpringFestival;
        string[] settings =
        [
            $"--SignalR:Redis={redis.Endpoint}", $"--Timers:LeaseSeconds={LeaseSeconds}", "--Idempotency:InProgressSeconds=3",
        ];
        // The first host migrates the database; the others start on it.
        await using var a = await HostProcess.StartAsync(database, start, settings);
        await Seed.RunAsync(await a.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword));
        await using var b = await HostProcess.StartAsync(database, start, settings);
        await using var c = await HostProcess.StartAsync(database, start, settings);
        using var balancer = await LoadBalancer.StartAsync([a.Address, b.Address, c.Address]);
        await using var onA = await TaskListener.ConnectAsync(a.Address, Seed.TownshipOfficer);
        await using var onB = await TaskListener.ConnectAsync(b.Address, Seed.TownshipOfficer);

        // A wave: village checks opened on host C at the start, whose deadline (3 working days) has long passed when C's
        // clock moves a month on. A and B move first, with nothing due yet, so that every case the load starts below
        // gets its deadlines from the later date and none of them falls due in this test.
        var later = start.AddDays(30);
        await MoveClockAsync(a, later, expectFired: 0);
        await MoveClockAsync(b, later, expectFired: 0);
        var viaC = await c.LoginAsync(Seed.Caseworker);
        var wave = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, TimerCases), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, _) =>
            wave.Add((await viaC.PostOk("/api/cases", Seed.MigrantWorkerApplication(name: $"定时{i}"), HttpStatusCode.Created))["id"]!
                .GetValue<string>()));

        var firing = c.Anonymous().PostAsync("/api/test/clock", new { now = later });
        await Sql.WaitUntilAsync(database, "SELECT count(*) >= 60 FROM timers WHERE status = 'fired'");
        var load = Task.WhenAll(Enumerable.Range(0, Clients).Select(client => LoadAsync(balancer.Address, database, client)));
        await Sql.WaitUntilAsync(database, "SELECT count(*) >= 20 FROM case_history WHERE actor = 'caseworker' AND case_version = 2");
        // Killed while it holds a batch (between two batches it holds none, for a moment).
        await Sql.WaitUntilAsync(database, "SELECT count(*) > 0 FROM timers WHERE status = 'pending' AND claimed_until IS NOT NULL");
        await c.KillAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => firing);
        var firedBeforeKill = await Sql.ScalarAsync(database, "SELECT count(*) FROM timers WHERE status = 'fired'");
        Assert.True(firedBeforeKill < TimerCases, $"host C fired the whole wave ({firedBeforeKill}) before it was killed");

        // A and B fire the rest of the wave, under the load, except the batch C had claimed: its lease still runs.
        await Task.WhenAll(MoveClockAsync(a, later.AddSeconds(1)), MoveClockAsync(b, later.AddSeconds(1)));
        var heldByTheDead = await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM timers WHERE status = 'pending' AND due_at <= '{later.AddSeconds(1):O}'");
        Assert.True(heldByTheDead > 0, "no timer was left claimed by the killed host");
        Assert.Equal(heldByTheDead, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM timers WHERE status = 'pending' AND claimed_until > '{later.AddSeconds(1):O}'"));
        var retried = (await load).Sum();
        // Once the lease has run out, a survivor takes them.
        await Task.WhenAll(MoveClockAsync(a, later.AddSeconds(LeaseSeconds + 2)), MoveClockAsync(b, later.AddSeconds(LeaseSeconds + 2)));
        output.WriteLine($"{firedBeforeKill} timers fired by C before it was killed, {heldByTheDead} left in its claim; " +
                         $"{retried} requests retried by the clients");

        // Every timer of the wave fired exactly once: one escalation each, written by the system.
        var waveIds = string.Join(",", wave.Select(id => $"'{id}'"));
        Assert.Equal(0L, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM timers WHERE case_id IN ({waveIds}) AND status <> 'fired' AND due_at <= '{later.AddSeconds(1):O}'"));
        // Each escalated task has a deadline of its own at the township, as many working days from the escalation.
        Assert.Equal((long)TimerCases, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM timers WHERE case_id IN ({waveIds}) AND status = 'pending' AND due_at > '{later:O}'"));
        Assert.Equal(TimerCases, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM (SELECT case_id FROM case_history WHERE actor = 'system' AND case_id IN ({waveIds}) " +
            "GROUP BY case_id HAVING count(*) = 1) AS once"));
        Assert.Equal((long)TimerCases, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM case_history WHERE actor = 'system' AND case_id IN ({waveIds})"));
        Assert.Equal((long)TimerCases, await Sql.ScalarAsync(database,
            $"SELECT count(*) FROM tasks WHERE case_id IN ({waveIds}) AND escalated AND role = 'township-officer'"));

        // Every command of the load applied exactly once: one case per application, one completion of its village check.
        Assert.Equal((long)LoadCases, await Sql.ScalarAsync(database, "SELECT count(DISTINCT applicant_name) FROM cases WHERE applicant_name LIKE '负载%'"));
        Assert.Equal((long)LoadCases, await Sql.ScalarAsync(database, "SELECT count(*) FROM cases WHERE applicant_name LIKE '负载%'"));
        Assert.Equal((long)LoadCases, await Sql.ScalarAsync(database,
            "SELECT count(*) FROM tasks t JOIN cases c ON c.id = t.case_id WHERE c.applicant_name LIKE '负载%' AND t.step = 'township-review'"));
        Assert.Equal((long)LoadCases, await Sql.ScalarAsync(database,
            "SELECT count(*) FROM case_history h JOIN cases c ON c.id = h.case_id WHERE c.applicant_name LIKE '负载%' AND h.actor = 'caseworker'" +
            " AND h.case_version = 2"));

        // The outbox drained by the survivors, and each of their township officers told of every task now theirs.
        await Sql.WaitForAsync(database, "SELECT count(*) FROM outbox WHERE dispatched_at IS NULL", expected: 0);
        var theirs = await Sql.ColumnAsync<Guid>(database,
            $"SELECT id FROM tasks WHERE status = 'open' AND role = 'township-officer' AND region_code = '{Seed.Township}'");
        Assert.Equal(TimerCases + LoadCases, theirs.Count);
        foreach (var listener in new[] { onA, onB })
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && !AllShown(listener, theirs); )
                await Task.Delay(50);
            var missing = theirs.Where(id => !listener.TasksShown().Contains(id.ToString())).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {theirs.Count} tasks never pushed to the officer on one host, e.g. {missing.FirstOrDefault()}");
        }
    }

    private static bool AllShown(TaskListener listener, List<Guid> tasks)
    {
        var shown = listener.TasksShown();
        return tasks.All(id => shown.Contains(id.ToString()));
    }

    private static async Task MoveClockAsync(HostProcess host, DateTimeOffset to, int? expectFired = null)
    {
        var moved = await Api.Expect(await host.Anonymous().PostAsync("/api/test/clock", new { now = to }), HttpStatusCode.OK);
        if (expectFired is { } fired) Assert.Equal(fired, moved["timersFired"]!.GetValue<int>());
    }

    /// <summary>One client's share of the load through the balancer: applications, each followed by its village check's
    /// completion. Returns how many requests it had to send again.</summary>
    private static async Task<int> LoadAsync(Uri balancer, string database, int client)
    {
        var caseworker = new Api(new HttpClient { BaseAddress = balancer, Timeout = TimeSpan.FromSeconds(30) });
        await caseworker.LoginAsync(Seed.Caseworker, Seed.Password);
        var retried = 0;
        for (var i = client; i < LoadCases; i += Clients)
        {
            var name = $"负载{i}";
            var (created, again) = await SendAsync(caseworker, "/api/cases", Seed.MigrantWorkerApplication(name: name), HttpStatusCode.Created);
            retried += again;
            // A reply lost with its host: the case is read back as an official would look it up.
            var task = created?["openTasks"]![0]!["id"]!.GetValue<string>() ?? (await Sql.ColumnAsync<Guid>(database,
                $"SELECT t.id FROM tasks t JOIN cases c ON c.id = t.case_id WHERE c.applicant_name = '{name}' AND t.step = 'village-check'")).Single().ToString();
            (_, again) = await SendAsync(caseworker, $"/api/tasks/{task}/complete", new { outcome = "confirm" }, HttpStatusCode.OK);
            retried += again;
        }
        return retried;
    }

    /// <summary>Sends until the service answers for the command: its reply, or null when the service says it was carried
    /// out but its reply was lost. What a host dying mid-request gives (a reset, haproxy's 502/503, a key still reserved
    /// by the dead request) is retried with the same Idempotency-Key.</summary>
    private static async Task<(JsonNode? Reply, int Retries)> SendAsync(Api api, string path, object body, HttpStatusCode expected)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            HttpResponseMessage response;
            try { response = await api.PostAsync(path, body, key); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200);
                continue;
            }
            if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            {
                await Task.Delay(200);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                var problem = await Api.Expect(response, HttpStatusCode.Conflict);
                if (problem["title"]?.GetValue<string>() == "Request already carried out") return (null, attempt);
                Assert.Equal("Request in progress", problem["title"]?.GetValue<string>());
                await Task.Delay(500);
                continue;
            }
            return (await Api.Expect(response, expected), attempt);
        }
        throw new TimeoutException($"POST {path} was never answered");
    }
}
