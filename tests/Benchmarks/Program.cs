using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Testing;

// Task completions per second through the HTTP API on PostgreSQL, beside pgbench's TPC-B figure on the
// same server in the same run, and the Host's peak memory. Usage: dotnet run -c Release --project tests/Benchmarks [cases] [clients]
var cases = args.Length > 0 ? int.Parse(args[0]) : 3000;
var clients = args.Length > 1 ? int.Parse(args[1]) : 8;

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; {cases} migrant-worker cases, {clients} concurrent clients");
await using var cluster = await PostgresCluster.StartAsync();

// 1. The baseline: pgbench TPC-B, scale 10, 8 clients, 20 s.
var pgbenchDb = await cluster.CreateDatabaseAsync("pgbench");
var pgbench = Path.Combine(cluster.BinDirectory, "pgbench");
var connect = $"-h {cluster.Host} -p {cluster.Port} -U postgres";
await PostgresCluster.RunAsync(pgbench, $"-i -s 10 -q {connect} pgbench");
var pgbenchOut = await PostgresCluster.RunAsync(pgbench, $"-c 8 -j 2 -T 20 {connect} pgbench");
var tps = double.Parse(Regex.Match(pgbenchOut, @"tps = ([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
Console.WriteLine($"pgbench tpcb (-s 10, 8 clients, 20 s): {tps:F0} tps");

// 2. The Host as its own process on the same server.
var database = await cluster.CreateDatabaseAsync("workflow");
var hostDll = Path.Combine(Repo.Root, "src", "Host", "bin", "Release", "net10.0", "Workflows.Host.dll");
await PostgresCluster.RunAsync("dotnet", $"build {Path.Combine(Repo.Root, "src", "Host")} -c Release -v q -nologo");
var port = 5600 + Random.Shared.Next(300);
var host = Process.Start(new ProcessStartInfo("dotnet",
    $"{hostDll} --urls http://127.0.0.1:{port} --Database:Provider=Postgres \"--ConnectionStrings:Workflow={database}\" " +
    "--Clock:Mode=Manual --Bootstrap:AdminUser=admin --Bootstrap:AdminPassword=bench-admin-1 --Logging:LogLevel:Default=Warning")
{
    WorkingDirectory = Path.GetDirectoryName(hostDll)!, RedirectStandardOutput = true, RedirectStandardError = true,
    Environment = { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = Environment.GetEnvironmentVariable("BENCH_SPIN") ?? "70" },
})!;
try
{
    var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 })
        { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    await WaitReadyAsync(http);
    var admin = await LoginAsync(http, "admin", "bench-admin-1");
    foreach (var (code, name) in new[] { ("22", "吉林省"), ("2201", "长春市"), ("220102", "南关区"), ("220102001", "永吉街道"), ("220102001001", "东风社区") })
        await Send(admin, HttpMethod.Post, "/api/admin/regions", new { code, name }, HttpStatusCode.Created);
    foreach (var (user, role, region) in new[] { ("cw", "village-caseworker", "220102001001"), ("tw", "township-officer", "220102001") })
        await Send(admin, HttpMethod.Post, "/api/admin/users",
            new { username = user, password = "bench-pass-1", displayName = user, roles = new[] { role }, regionCode = region }, HttpStatusCode.Created);
    var caseworker = await LoginAsync(http, "cw", "bench-pass-1");
    var township = await LoginAsync(http, "tw", "bench-pass-1");

    // Warm-up (JIT, pools), not counted.
    await RunAsync(Math.Min(600, cases / 4), clients, caseworker, township);
    var cpuBefore = (Host: CpuSeconds([host.Id]), Postgres: CpuSeconds(PostgresPids()), Self: CpuSeconds([Environment.ProcessId]));
    var (created, completed, createSeconds, completeSeconds) = await RunAsync(cases, clients, caseworker, township);
    var cpu = (Host: CpuSeconds([host.Id]) - cpuBefore.Host, Postgres: CpuSeconds(PostgresPids()) - cpuBefore.Postgres,
        Self: CpuSeconds([Environment.ProcessId]) - cpuBefore.Self);

    host.Refresh();
    var peakKiB = PeakMemoryKiB(host.Id);
    var perSecond = completed / completeSeconds;
    Console.WriteLine($"cases started: {created} in {createSeconds:F1} s = {created / createSeconds:F0}/s");
    Console.WriteLine($"task completions: {completed} in {completeSeconds:F1} s = {perSecond:F0}/s");
    Console.WriteLine($"ratio to pgbench tps: {perSecond / tps:F2}");
    Console.WriteLine($"Host peak memory (VmHWM): {peakKiB / 1024.0:F0} MiB");
    var requests = created + completed;
    Console.WriteLine($"CPU per request (start or complete): Host {1000 * cpu.Host / requests:F2} ms, " +
        $"PostgreSQL {1000 * cpu.Postgres / requests:F2} ms, load generator {1000 * cpu.Self / requests:F2} ms");
}
finally
{
    host.Kill(entireProcessTree: true);
    await host.WaitForExitAsync();
}

static async Task<(int Created, int Completed, double CreateSeconds, double CompleteSeconds)> RunAsync(
    int count, int clients, HttpClient caseworker, HttpClient township)
{
    var watch = Stopwatch.StartNew();
    var villageTasks = await ParallelAsync(count, clients, async _ =>
    {
        var created = await Send(caseworker, HttpMethod.Post, "/api/cases", Application(IdNumbers.Next()), HttpStatusCode.Created);
        return created["openTasks"]![0]!["id"]!.GetValue<string>();
    });
    var createSeconds = watch.Elapsed.TotalSeconds;
    watch.Restart();
    var reviews = await ParallelAsync(count, clients, async i =>
    {
        var view = await Send(caseworker, HttpMethod.Post, $"/api/tasks/{villageTasks[i]}/complete", new { outcome = "confirm" }, HttpStatusCode.OK);
        return view["openTasks"]![0]!["id"]!.GetValue<string>();
    });
    await ParallelAsync(count, clients, async i =>
    {
        var view = await Send(township, HttpMethod.Post, $"/api/tasks/{reviews[i]}/complete",
            new { outcome = "approve", data = new { amount = 800 } }, HttpStatusCode.OK);
        return view["status"]!.GetValue<string>() == "approved" ? "" : throw new InvalidOperationException("not approved");
    });
    return (count, 2 * count, createSeconds, watch.Elapsed.TotalSeconds);
}

static async Task<string[]> ParallelAsync(int count, int clients, Func<int, Task<string>> work)
{
    var results = new string[count];
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        for (int i; (i = Interlocked.Increment(ref next)) < count;) results[i] = await work(i);
    }));
    return results;
}

static object Application(string idNumber) => new
{
    procedure = "migrant-worker-aid",
    regionCode = "220102001001",
    applicant = new { name = "张三", idNumber, bankAccount = "6222020200112233445" },
    data = new
    {
        employer = new { name = "长春某建筑公司", address = "长春市南关区", position = "钢筋工" },
        witnesses = new[] { new { name = "李四", phone = "13900000001" }, new { name = "王五", phone = "13900000002" } },
        monthsWithoutIncome = 3, unemploymentInsured = false, requestedAmount = 1000,
    },
};

static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, object body, HttpStatusCode expected)
{
    using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
    var text = await response.Content.ReadAsStringAsync();
    if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    return JsonNode.Parse(text)!;
}

static async Task<HttpClient> LoginAsync(HttpClient shared, string username, string password)
{
    var token = await Send(shared, HttpMethod.Post, "/api/auth/token", new { username, password }, HttpStatusCode.OK);
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = shared.BaseAddress };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["accessToken"]!.GetValue<string>());
    return client;
}

static async Task WaitReadyAsync(HttpClient http)
{
    for (var i = 0; i < 120; i++)
    {
        try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return; }
        catch (HttpRequestException) { }
        await Task.Delay(500);
    }
    throw new TimeoutException("The Host did not become ready.");
}

// utime + stime from /proc/<pid>/stat, in seconds (clock ticks of 1/100 s).
static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(pid =>
{
    try
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
    catch (IOException) { return 0; }
});

static int[] PostgresPids() => Directory.GetDirectories("/proc")
    .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
    .Where(pid => pid > 0 && SafeRead($"/proc/{pid}/comm").Trim() == "postgres").ToArray();

static string SafeRead(string path)
{
    try { return File.ReadAllText(path); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
}

static long PeakMemoryKiB(int pid) =>
    long.Parse(Regex.Match(File.ReadAllText($"/proc/{pid}/status"), @"VmHWM:\s+(\d+)").Groups[1].Value);
