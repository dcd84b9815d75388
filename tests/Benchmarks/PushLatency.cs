using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Workflows.Benchmarks;

/// <summary>
/// Push latency with many officials connected: from the moment a caseworker sends the completion of a village
/// check to the moment the township officer's connection receives the new review task. 50 townships, each
/// with a caseworker and a township officer connected, plus county officers' connections up to the total,
/// who must receive nothing.
/// </summary>
public static class PushLatency
{
    private const int Townships = 50;

    public static async Task RunAsync(Uri server, HttpClient admin, int connections, int casesPerTownship, int concurrency)
    {
        await Seed(admin);
        var caseworkers = new HttpClient[Townships];
        var townshipLinks = new HubConnection[Townships];
        var arrivals = new ConcurrentDictionary<string, long>(); // caseId → Stopwatch ticks
        var wrong = 0;
        for (var i = 0; i < Townships; i++)
        {
            caseworkers[i] = await Program.LoginAsync(admin, $"cw{i:D2}", Password);
            var township = i;
            townshipLinks[i] = await ConnectAsync(server, await Program.TokenAsync(admin, $"tw{i:D2}", Password), (type, task) =>
            {
                if (type != "taskAssigned") return;
                if (task["regionCode"]!.GetValue<string>() != TownshipCode(township)) Interlocked.Increment(ref wrong);
                arrivals.TryAdd(task["caseId"]!.GetValue<string>(), Stopwatch.GetTimestamp());
            });
        }
        var others = new List<HubConnection>();
        var countyToken = await Program.TokenAsync(admin, "county", Password);
        var countyEvents = 0;
        for (var i = 2 * Townships; i < connections; i++)
            others.Add(await ConnectAsync(server, countyToken, (_, _) => Interlocked.Increment(ref countyEvents)));
        var caseworkerLinks = new List<HubConnection>();
        for (var i = 0; i < Townships; i++)
            caseworkerLinks.Add(await ConnectAsync(server, await Program.TokenAsync(admin, $"cw{i:D2}", Password), (_, _) => { }));
        Console.WriteLine($"connected clients: {townshipLinks.Length + caseworkerLinks.Count + others.Count}");

        var work = new List<(int Township, string CaseId, string TaskId)>();
        for (var round = 0; round < casesPerTownship; round++)
            for (var i = 0; i < Townships; i++)
            {
                var created = await Program.Send(caseworkers[i], HttpMethod.Post, "/api/cases", Program.Application(Testing.IdNumbers.Next(), VillageCode(i)), HttpStatusCode.Created);
                work.Add((i, created["id"]!.GetValue<string>(), created["openTasks"]![0]!["id"]!.GetValue<string>()));
            }
        arrivals.Clear();

        var sent = new ConcurrentDictionary<string, long>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (int n; (n = Interlocked.Increment(ref next)) < work.Count;)
            {
                var (township, caseId, taskId) = work[n];
                sent[caseId] = Stopwatch.GetTimestamp();
                await Program.Send(caseworkers[township], HttpMethod.Post, $"/api/tasks/{taskId}/complete", new { outcome = "confirm" }, HttpStatusCode.OK);
            }
        }));
        for (var wait = 0; wait < 100 && arrivals.Count < work.Count; wait++) await Task.Delay(100);
        await Task.Delay(1000);

        var latencies = work.Where(w => arrivals.ContainsKey(w.CaseId))
            .Select(w => Stopwatch.GetElapsedTime(sent[w.CaseId], arrivals[w.CaseId]).TotalMilliseconds).Order().ToArray();
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        Console.WriteLine($"completions: {work.Count} with {concurrency} concurrent senders; events received by the right township: {latencies.Length}");
        Console.WriteLine($"push latency (send of the completion → the next task's event at the township's client): " +
                          $"p50 {Percentile(0.50):F0} ms, p99 {Percentile(0.99):F0} ms, max {latencies[^1]:F0} ms");
        Console.WriteLine($"events at the wrong township: {wrong}; events at the {others.Count} county clients: {countyEvents}");
        foreach (var link in townshipLinks.Concat(others).Concat(caseworkerLinks)) await link.DisposeAsync();
    }

    private const string Password = "bench-pass-1";
    private static string TownshipCode(int i) => $"220102{i + 1:D3}";
    private static string VillageCode(int i) => TownshipCode(i) + "001";

    private static async Task Seed(HttpClient admin)
    {
        foreach (var (code, name) in new[] { ("22", "吉林省"), ("2201", "长春市"), ("220102", "南关区") })
            await Program.Send(admin, HttpMethod.Post, "/api/admin/regions", new { code, name }, HttpStatusCode.Created);
        await Program.CreateUserAsync(admin, "county", "county-officer", "220102", Password);
        for (var i = 0; i < Townships; i++)
        {
            await Program.Send(admin, HttpMethod.Post, "/api/admin/regions", new { code = TownshipCode(i), name = $"街道{i}" }, HttpStatusCode.Created);
            await Program.Send(admin, HttpMethod.Post, "/api/admin/regions", new { code = VillageCode(i), name = $"社区{i}" }, HttpStatusCode.Created);
            await Program.CreateUserAsync(admin, $"cw{i:D2}", "village-caseworker", VillageCode(i), Password);
            await Program.CreateUserAsync(admin, $"tw{i:D2}", "township-officer", TownshipCode(i), Password);
        }
    }

    private static async Task<HubConnection> ConnectAsync(Uri server, string token, Action<string, JsonObject> onTask)
    {
        var link = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/tasks"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        foreach (var type in new[] { "taskAssigned", "taskUpdated", "taskOverdue" })
            link.On<JsonObject>(type, task => onTask(type, task));
        link.On<Guid>("taskRemoved", _ => { });
        await link.StartAsync();
        return link;
    }
}
