using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using Workflows.Benchmarks;
using Workflows.Testing;

// dotnet run -c Release --project tests/Benchmarks -- throughput [cases] [clients] [--rounds=N] [--statements]
//   task completions per second through the HTTP API on PostgreSQL, beside pgbench's TPC-B on the same server;
//   --rounds measures N times, pgbench between, and prints the median ratio;
//   --statements also prints what the service asked PostgreSQL per request (pg_stat_statements).
// dotnet run -c Release --project tests/Benchmarks -- push [connections] [cases per township] [senders]
//   push latency with that many SignalR clients connected.
// dotnet run -c Release --project tests/Benchmarks -- timers [timers] [workers] [--hosts=N]
//   that many deadline timers due at one instant (100,000), fired by the workers (12) of one Host, or of N on the same
//   database: time to fire all, lateness.
// dotnet run -c Release --project tests/Benchmarks -- payroll [benefits]
//   a county's payroll run of that many benefits (1,000,000) beside psql \copy of as many payment rows, then its bank file
//   with the Host's peak memory.
// dotnet run -c Release --project tests/Benchmarks -- comparisons [benefits] [rows]
//   a death list of that many rows (100,000; 1 in 100 a recipient) against that many benefits (1,000,000), beside psql
//   \copy of the list; then the payment ledger of the month's payments as xlsx, beside \copy of them out, with peak memory.
// --host=path/to/Workflows.Host.dll runs that build instead of building this checkout's: two builds, measured in turns on
// the same machine, are compared by their ratios (README, Benchmark).
var statements = args.Contains("--statements");
Program.HostDll = args.FirstOrDefault(a => a.StartsWith("--host=")) is { } h ? Path.GetFullPath(h["--host=".Length..]) : null;
var rounds = args.FirstOrDefault(a => a.StartsWith("--rounds=")) is { } r ? int.Parse(r["--rounds=".Length..]) : 1;
var hostCount = args.FirstOrDefault(a => a.StartsWith("--hosts=")) is { } hc ? int.Parse(hc["--hosts=".Length..]) : 1;
// --pg=name=value (repeatable): a PostgreSQL setting for the throw-away cluster, as a deployment would set it.
var pgSettings = args.Where(a => a.StartsWith("--pg=")).Select(a => a["--pg=".Length..]).ToArray();
var others = new List<Process>();
args = args.Where(a => !a.StartsWith("--")).ToArray();
var mode = args.FirstOrDefault() ?? "throughput";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index]) : fallback;

Console.WriteLine($"Machine: {Program.Machine()}; mode {mode}");
var clusterSettings = (statements ? StatementStats.Settings : []).Concat(pgSettings).ToArray();
Console.WriteLine($"PostgreSQL: {(clusterSettings.Length == 0 ? "default settings" : string.Join(", ", clusterSettings))}");
await using var cluster = await PostgresCluster.StartAsync(clusterSettings);
Func<Task<double>>? pgbench = null;
var mostStolen = 0.0; // the largest share of CPU the hypervisor took in any part of the run
if (mode is "throughput" or "timers")
{
    await cluster.CreateDatabaseAsync("pgbench");
    var program = Path.Combine(cluster.BinDirectory, "pgbench");
    var connect = $"-h {cluster.Host} -p {cluster.Port} -U postgres";
    await PostgresCluster.RunAsync(program, $"-i -s 10 -q {connect} pgbench");
    pgbench = async () =>
    {
        var machine = MachineTime.Now();
        var output = await PostgresCluster.RunAsync(program, $"-c 8 -j 2 -T 20 {connect} pgbench");
        var tps = double.Parse(Regex.Match(output, @"tps = ([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var stolen = MachineTime.Now().StolenSince(machine);
        mostStolen = Math.Max(mostStolen, stolen);
        Console.WriteLine($"pgbench tpcb (-s 10, 8 clients, 20 s): {tps:F0} tps; {MachineTime.Describe(stolen)}");
        return tps;
    };
}
// The baseline before the service's first round and after each: this machine is shared, and the spread shows how
// far it drifted.
var before = pgbench is null ? 0 : await pgbench();

// A rate against the mean of the pgbench runs on either side of it, printed with each side's.
double ToPgbench(string what, double perSecond, double after)
{
    var ratio = perSecond / ((before + after) / 2);
    Console.WriteLine($"{what} to pgbench tps: {ratio:F2} (to the run before: {perSecond / before:F2}, after: {perSecond / after:F2})");
    return ratio;
}

void WarnIfStolen()
{
    if (mostStolen > MachineTime.ComparableUpTo)
        Console.WriteLine($"not comparable: the hypervisor took {mostStolen:F0} % of the CPU in a part of this run " +
            $"(more than {MachineTime.ComparableUpTo} %), which slows pgbench more than the service; run it again.");
}

var database = await cluster.CreateDatabaseAsync("workflow");
// The timers mode fires on the system clock, as production does: its worker loops claim the due timers (12, the
// Host's default in TimerWorker, unless the command line says how many).
var timerWorkers = Arg(2, 12);
var timerHost = $"--Timers:PollSeconds=1 --Timers:Workers={timerWorkers}";
var (host, server) = mode == "timers"
    ? await Program.StartHostAsync(database, "System", timerHost)
    : await Program.StartHostAsync(database);
var stats = statements ? new StatementStats(cluster, "workflow") : null;
try
{
    var admin = await Program.LoginAsync(new HttpClient { BaseAddress = server }, "admin", Program.AdminPassword);
    if (mode == "push") await PushLatency.RunAsync(server, admin, Arg(1, 1000), Arg(2, 10), Arg(3, 4));
    else if (mode == "payroll") await Payroll.RunAsync(cluster, database, host, admin, Arg(1, 1_000_000));
    else if (mode == "comparisons") await Comparisons.RunAsync(cluster, database, host, admin, Arg(1, 1_000_000), Arg(2, 100_000));
    else if (mode == "timers")
    {
        // --hosts=N: N−1 more Hosts on the same database fire the same wave (each with its own worker loops).
        for (var more = 1; more < hostCount; more++)
            others.Add((await Program.StartHostAsync(database, "System", timerHost)).Host);
        var perSecond = await TimerWave.RunAsync(database, [host, .. others], admin, Arg(1, 100_000), timerWorkers, stats);
        // The machine's speed drifts by a fifth within a session: a wave is compared with another by this ratio.
        ToPgbench("timers per second", perSecond, await pgbench!());
        WarnIfStolen();
    }
    else
    {
        int cases = Arg(1, 3000), clients = Arg(2, 8);
        var (caseworker, township) = await Program.PrepareThroughputAsync(host, admin, database, cases, clients, stats);
        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            if (rounds > 1) Console.WriteLine($"-- round {round} of {rounds}");
            var (perSecond, stolen) = await Program.MeasureThroughputAsync(host, caseworker, township, cases, clients, stats);
            mostStolen = Math.Max(mostStolen, stolen);
            var after = await pgbench!();
            ratios.Add(ToPgbench("ratio", perSecond, after));
            before = after;
        }
        if (rounds > 1)
            Console.WriteLine($"median ratio of {rounds} rounds: {Median(ratios):F2} " +
                $"(each: {string.Join(" / ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})");
        await TableSizes.PrintAsync(database);
        WarnIfStolen();
    }
}
finally
{
    foreach (var running in others.Prepend(host))
    {
        running.Kill(entireProcessTree: true);
        await running.WaitForExitAsync();
    }
}

public static partial class Program
{
    public const string AdminPassword = "bench-admin-1";

    /// <summary>A Host build to run instead of this checkout's (<c>--host=</c>).</summary>
    public static string? HostDll { get; set; }

    /// <summary>The Host in Release as its own process on the given database, with the manual clock.</summary>
    private static bool _built;

    /// <summary>The machine and runtime every figure comes from. The last-level cache is named because the GC sizes its
    /// first generation by it: a virtual machine that reports its host's 260 MiB L3 gets a budget of about 80 MiB per
    /// gen0 collection unless the Host caps it (Host.csproj).</summary>
    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        const string L3 = "/sys/devices/system/cpu/cpu0/cache/index3/size";
        var cache = File.Exists(L3) && File.ReadAllText(L3).Trim() is [.. var kib, 'K'] && int.TryParse(kib, out var k)
            ? $", L3 {k / 1024} MiB" : "";
        return $"{Environment.ProcessorCount} cores, {cpu}{cache}; {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The JIT and GC settings the Host runs with: its runtimeconfig.json's (from Host.csproj) and any DOTNET_
    /// variable of this environment, which the Host inherits and which win over the file.</summary>
    private static string RuntimeSettings(string dll)
    {
        var file = Path.ChangeExtension(dll, ".runtimeconfig.json");
        var properties = File.Exists(file)
            ? JsonNode.Parse(File.ReadAllText(file))?["runtimeOptions"]?["configProperties"]?.AsObject()
                .Where(p => p.Key.StartsWith("System.GC") || p.Key.StartsWith("System.Runtime.TieredPGO") || p.Key.StartsWith("System.Runtime.Tiered")
                            || p.Key.StartsWith("System.Threading.ThreadPool"))
                .Select(p => $"{p.Key}={p.Value}") ?? []
            : [];
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_") && !k.StartsWith("DOTNET_ROOT"))
            .Order().Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
        var all = properties.Concat(variables).ToList();
        return all.Count == 0 ? "defaults" : string.Join(", ", all);
    }

    public static async Task<(Process Host, Uri Server)> StartHostAsync(string database, string clock = "Manual", string extra = "")
    {
        var dll = HostDll ?? Path.Combine(Repo.Root, "src", "Host", "bin", "Release", "net10.0", "Workflows.Host.dll");
        if (HostDll is null && !_built)
        {
            await PostgresCluster.RunAsync("dotnet", $"build {Path.Combine(Repo.Root, "src", "Host")} -c Release -v q -nologo");
            _built = true;
        }
        Console.WriteLine($"Host: {dll}; runtime settings: {RuntimeSettings(dll)}");
        using var free = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var server = new Uri($"http://127.0.0.1:{((IPEndPoint)free.LocalEndpoint).Port}");
        free.Stop();
        var host = Process.Start(new ProcessStartInfo("dotnet",
            $"{dll} --urls {server} --Database:Provider=Postgres \"--ConnectionStrings:Workflow={database}\" " +
            $"--Clock:Mode={clock} --Bootstrap:AdminUser=admin --Bootstrap:AdminPassword={AdminPassword} --Logging:LogLevel:Default=Warning {string.Join(' ', TestSettings.Arguments)} {extra}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        using var probe = new HttpClient { BaseAddress = server };
        for (var i = 0; i < 120; i++)
        {
            try { if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return (host, server); }
            catch (HttpRequestException) { }
            await Task.Delay(500);
        }
        throw new TimeoutException("The Host did not become ready.");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The regions and the two officials, then the warm-up.</summary>
    public static async Task<(HttpClient Caseworker, HttpClient Township)> PrepareThroughputAsync(
        Process host, HttpClient admin, string database, int cases, int clients, StatementStats? stats)
    {
        if (stats is not null) await stats.InstallAsync();
        await CreateRegionsAsync(admin);
        await CreateUserAsync(admin, "cw", "village-caseworker", "220102001001", "bench-pass-1");
        await CreateUserAsync(admin, "tw", "township-officer", "220102001", "bench-pass-1");
        var caseworker = await LoginAsync(admin, "cw", "bench-pass-1");
        var township = await LoginAsync(admin, "tw", "bench-pass-1");

        await WarmUpAsync(host, cases, clients, caseworker, township);
        // pgbench measures on vacuumed and analysed tables (it does both when it initialises and vacuums before each
        // run); the service's tables, just filled by the warm-up, get the same, or round 1 runs on stale estimates.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection);
            await vacuum.ExecuteNonQueryAsync();
        }
        Console.WriteLine("warmed up; measuring");
        return (caseworker, township);
    }

    /// <summary>
    /// Passes of as many cases as a round measures, not counted, until the Host's CPU per request stops falling:
    /// until then the JIT is still instrumenting hot code and recompiling it at its optimising tier, and a service
    /// that runs for weeks is measured at the speed it runs at, not at the speed of its first minute.
    /// </summary>
    private static async Task WarmUpAsync(Process host, int cases, int clients, HttpClient caseworker, HttpClient township)
    {
        const int MostPasses = 8;
        var previous = double.MaxValue;
        for (var pass = 1; pass <= MostPasses; pass++)
        {
            var atStart = CpuSeconds([host.Id]);
            await DriveCasesAsync(cases, clients, caseworker, township);
            var perRequest = 1000 * (CpuSeconds([host.Id]) - atStart) / (3 * cases); // a start and two completions per case
            Console.WriteLine($"warm-up pass {pass}: Host {perRequest:F2} ms CPU per request");
            // Within 5 % of the pass before is the noise of this machine, not the JIT.
            if (perRequest > 0.95 * previous) return;
            previous = perRequest;
        }
    }

    /// <summary>Task completions per second, and the share of CPU stolen meanwhile (percent).</summary>
    public static async Task<(double PerSecond, double Stolen)> MeasureThroughputAsync(
        Process host, HttpClient caseworker, HttpClient township, int cases, int clients, StatementStats? stats)
    {
        if (stats is not null) await stats.ResetAsync();
        var machine = MachineTime.Now();
        var atStart = CpuNow(host);
        var atCompletions = atStart;
        var (completed, createSeconds, completeSeconds) = await DriveCasesAsync(cases, clients, caseworker, township,
            betweenPhases: () => atCompletions = CpuNow(host));
        var stolen = MachineTime.Now().StolenSince(machine);
        var atEnd = CpuNow(host);

        var perSecond = completed / completeSeconds;
        Console.WriteLine($"{cases} cases, {clients} concurrent clients");
        Console.WriteLine($"cases started: {cases} in {createSeconds:F1} s = {cases / createSeconds:F0}/s");
        Console.WriteLine($"task completions: {completed} in {completeSeconds:F1} s = {perSecond:F0}/s; {MachineTime.Describe(stolen)}");
        Console.WriteLine($"Host peak memory (VmHWM): {PeakMemoryKiB(host.Id) / 1024.0:F0} MiB");
        Console.WriteLine($"CPU per start: {(atCompletions - atStart).Per(cases)}");
        Console.WriteLine($"CPU per completion: {(atEnd - atCompletions).Per(completed)}");
        var requests = cases + completed;
        if (stats is not null) await stats.PrintAsync(requests);
        return (perSecond, stolen);
    }

    private static async Task<(int Completed, double CreateSeconds, double CompleteSeconds)> DriveCasesAsync(
        int count, int clients, HttpClient caseworker, HttpClient township, Action? betweenPhases = null)
    {
        var watch = Stopwatch.StartNew();
        var villageTasks = await ParallelAsync(count, clients, _ =>
            PostAsync(caseworker, "/api/cases", JsonSerializer.SerializeToUtf8Bytes(Application(IdNumbers.Next(), "220102001001")),
                HttpStatusCode.Created, FirstOpenTask));
        var createSeconds = watch.Elapsed.TotalSeconds;
        betweenPhases?.Invoke();
        watch.Restart();
        var reviews = await ParallelAsync(count, clients, i =>
            PostAsync(caseworker, $"/api/tasks/{villageTasks[i]}/complete", Confirm, HttpStatusCode.OK, FirstOpenTask));
        await ParallelAsync(count, clients, async i =>
            await PostAsync(township, $"/api/tasks/{reviews[i]}/complete", Approve, HttpStatusCode.OK, reply => reply.GetProperty("status"))
                == "approved" ? "" : throw new InvalidOperationException("not approved"));
        return (2 * count, createSeconds, watch.Elapsed.TotalSeconds);
    }

    private static readonly byte[] Confirm = JsonSerializer.SerializeToUtf8Bytes(new { outcome = "confirm" });
    private static readonly byte[] Approve = JsonSerializer.SerializeToUtf8Bytes(new { outcome = "approve", data = new { amount = 800 } });
    private static JsonElement FirstOpenTask(JsonElement reply) => reply.GetProperty("openTasks")[0].GetProperty("id");

    /// <summary>The measured requests: a body serialised once where it does not change, and the one value wanted read
    /// from the reply with a pooled JsonDocument rather than a node tree of the whole case. The load generator's CPU
    /// is taken from the same two cores as the service's, as pgbench's client's is from its own baseline.</summary>
    private static async Task<string> PostAsync(HttpClient http, string path, byte[] body, HttpStatusCode expected,
        Func<JsonElement, JsonElement> pick)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content);
        var reply = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(reply)}");
        using var document = JsonDocument.Parse(reply);
        return pick(document.RootElement).GetString()!;
    }

    private static async Task<string[]> ParallelAsync(int count, int clients, Func<int, Task<string>> work)
    {
        var results = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;) results[i] = await work(i);
        }));
        return results;
    }

    public static object Application(string idNumber, string regionCode) => new
    {
        procedure = "migrant-worker-aid",
        regionCode,
        applicant = new { name = "张三", idNumber, bankAccount = "6222020200112233445" },
        data = new
        {
            employer = new { name = "长春某建筑公司", address = "长春市南关区", position = "钢筋工" },
            witnesses = new[] { new { name = "李四", phone = "13900000001" }, new { name = "王五", phone = "13900000002" } },
            monthsWithoutIncome = 3, unemploymentInsured = false, requestedAmount = 1000,
        },
    };

    public static async Task<JsonNode> Send(HttpClient http, HttpMethod method, string path, object body, HttpStatusCode expected)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A Jilin county down to one village.</summary>
    public static async Task CreateRegionsAsync(HttpClient admin)
    {
        foreach (var (code, name) in new[] { ("22", "吉林省"), ("2201", "长春市"), ("220102", "南关区"), ("220102001", "永吉街道"), ("220102001001", "东风社区") })
            await Send(admin, HttpMethod.Post, "/api/admin/regions", new { code, name }, HttpStatusCode.Created);
    }

    public static Task CreateUserAsync(HttpClient admin, string username, string role, string region, string password) =>
        Send(admin, HttpMethod.Post, "/api/admin/users",
            new { username, password, displayName = username, roles = new[] { role }, regionCode = region }, HttpStatusCode.Created);

    public static async Task<string> TokenAsync(HttpClient any, string username, string password) =>
        (await Send(any, HttpMethod.Post, "/api/auth/token", new { username, password }, HttpStatusCode.OK))["accessToken"]!.GetValue<string>();

    public static async Task<HttpClient> LoginAsync(HttpClient any, string username, string password)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = any.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(any, username, password));
        return client;
    }

    /// <summary>CPU seconds used so far by the Host, by every PostgreSQL process and by this load generator.</summary>
    internal readonly record struct Cpu(double Host, double Postgres, double Self)
    {
        public static Cpu operator -(Cpu a, Cpu b) => new(a.Host - b.Host, a.Postgres - b.Postgres, a.Self - b.Self);
        public string Per(int count) =>
            $"Host {1000 * Host / count:F2} ms, PostgreSQL {1000 * Postgres / count:F2} ms, load generator {1000 * Self / count:F2} ms";
    }

    // PostgreSQL's processes come and go (autovacuum workers, pgbench's backends); a process that has exited is
    // counted in its parent's children's time, which the postmaster collects when it reaps it.
    internal static Cpu CpuNow(params Process[] hosts) => new(
        CpuSeconds(hosts.Select(h => h.Id)), CpuSeconds(PostgresPids(), withReapedChildren: true), CpuSeconds([Environment.ProcessId]));

    // utime + stime (and cutime + cstime) from /proc/<pid>/stat, in seconds (clock ticks of 1/100 s).
    private static double CpuSeconds(IEnumerable<int> pids, bool withReapedChildren = false) => pids.Sum(pid =>
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            if (withReapedChildren) ticks += long.Parse(fields[13]) + long.Parse(fields[14]);
            return ticks / 100.0;
        }
        catch (IOException) { return 0; }
    });

    private static int[] PostgresPids() => Directory.GetDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0 && ReadOrEmpty($"/proc/{pid}/comm").Trim() == "postgres").ToArray();

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
    }

    private static long PeakMemoryKiB(int pid) =>
        long.Parse(Regex.Match(File.ReadAllText($"/proc/{pid}/status"), @"VmHWM:\s+(\d+)").Groups[1].Value);
}
