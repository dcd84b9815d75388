using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>
/// A county's payroll run of N benefits on PostgreSQL, beside <c>psql \copy</c> of N payment rows into a copy of the
/// payments table on the same server in the same run; then the bank file of those N payments, with the Host's peak
/// memory (VmHWM) before and after it.
/// </summary>
public static class Payroll
{
    private const string County = "220102";
    private const string EmptyBasis = "{}";

    /// <summary>A Jilin migrant worker's application, the template the benchmarks copy.</summary>
    public static readonly object Application = new
    {
        procedure = "migrant-worker-aid", regionCode = "220102001001",
        applicant = new { name = "张三", idNumber = "110101199003070011", phone = "13800000000", bankAccount = "6222020200112233445" },
        data = new
        {
            employer = new { name = "某公司", address = "长春", position = "工人" },
            witnesses = new[] { new { name = "李四", phone = "13900000001" }, new { name = "王五", phone = "13900000002" } },
            monthsWithoutIncome = 3, unemploymentInsured = false, requestedAmount = 800,
        },
    };

    public static async Task RunAsync(PostgresCluster cluster, string database, Process host, HttpClient admin, int benefits)
    {
        await Program.CreateRegionsAsync(admin);
        await Program.CreateUserAsync(admin, "cw", "village-caseworker", "220102001001", "bench-pass-1");
        await Program.CreateUserAsync(admin, "finance", "finance-officer", County, "bench-pass-1");
        await Program.CreateUserAsync(admin, "approver", "county-approver", County, "bench-pass-1");
        var caseworker = await Program.LoginAsync(admin, "cw", "bench-pass-1");
        var template = (await Program.Send(caseworker, HttpMethod.Post, "/api/cases", Application, HttpStatusCode.Created))["id"]!
            .GetValue<string>();

        var seeding = Stopwatch.StartNew();
        await SeedBenefitsAsync(database, template, benefits);
        Console.WriteLine($"seeded {benefits:N0} cases with an active benefit in {seeding.Elapsed.TotalSeconds:F1} s");

        var copy = await CopyBaselineAsync(cluster, database, benefits);
        Console.WriteLine($"psql \\copy of {benefits:N0} payment rows into a copy of payments (its indexes too): {copy:F1} s");

        var finance = await Program.LoginAsync(admin, "finance", "bench-pass-1");
        finance.Timeout = TimeSpan.FromMinutes(30);
        var period = (await Program.Send(admin, HttpMethod.Get, "/api/test/clock", new { }, HttpStatusCode.OK))["now"]!
            .GetValue<DateTimeOffset>().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var drawing = Stopwatch.StartNew();
        var run = await Program.Send(finance, HttpMethod.Post, "/api/payroll-runs", new { regionCode = County, period }, HttpStatusCode.Created);
        var drawn = drawing.Elapsed.TotalSeconds;
        Console.WriteLine($"payroll run of {run["count"]} payments ({run["total"]} yuan): {drawn:F1} s — {drawn / copy:F2}× the \\copy " +
                          "(target ≤ 2.0×)");

        var approver = await Program.LoginAsync(admin, "approver", "bench-pass-1");
        await Program.Send(approver, HttpMethod.Post, $"/api/payroll-runs/{run["id"]}/approve", new { }, HttpStatusCode.OK);
        var peakBefore = PeakMiB(host);
        var exporting = Stopwatch.StartNew();
        using var response = await finance.GetAsync($"/api/payroll-runs/{run["id"]}/bank-file?format=csv",
            HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var bytes = await CountAsync(body);
        Console.WriteLine($"bank file: {bytes / 1048576.0:F0} MiB, {response.Headers.GetValues("X-Batch-Count").Single()} rows in " +
                          $"{exporting.Elapsed.TotalSeconds:F1} s; Host peak memory {peakBefore:F0} MiB before it, {PeakMiB(host):F0} MiB " +
                          "after (target ≤ 300)");
    }

    internal static async Task SeedBenefitsAsync(string database, string template, int count)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' ORDER BY ordinal_position", connection))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        string Value(string column) => column switch
        {
            "id" => "gen_random_uuid()",
            "applicant_id_number" => "lpad(g::text, 18, '0')",
            "procedure" => "'dibao'",
            _ => column,
        };
        await Execute(connection, $"""
            INSERT INTO cases ({string.Join(", ", columns)})
            SELECT {string.Join(", ", columns.Select(Value))} FROM cases, generate_series(1, {count}) AS g WHERE id = '{template}'
            """);
        await Execute(connection, $"""
            INSERT INTO benefits (id, case_id, procedure, region_code, monthly_amount_fen, basis_json, from_period, status,
                                  created_at, updated_at)
            SELECT gen_random_uuid(), id, 'dibao', region_code, 30000 + (random() * 70000)::int, '{EmptyBasis}', '2026-01', 'active', now(), now()
            FROM cases WHERE id <> '{template}'
            """);
        await Execute(connection, "VACUUM ANALYZE");
    }

    /// <summary>The baseline: the same number of payment rows, written by psql's \copy into a table like payments.</summary>
    private static async Task<double> CopyBaselineAsync(PostgresCluster cluster, string database, int count)
    {
        var file = Path.Combine(Path.GetTempPath(), $"payments-{Guid.NewGuid():N}.csv");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await Execute(connection, "CREATE TABLE copy_baseline (LIKE payments INCLUDING ALL)");
            await using var writer = new StreamWriter(file);
            await using var export = await connection.BeginTextExportAsync($"""
                COPY (SELECT gen_random_uuid(), b.case_id, c.region_code, b.procedure, '2026-12', 1, '2026-12', b.monthly_amount_fen, 'pending',
                             now(), b.basis_json, c.applicant_name, c.applicant_id_number, '6222020200112233445', NULL, NULL, NULL, NULL, NULL
                      FROM benefits b JOIN cases c ON c.id = b.case_id LIMIT {count}) TO STDOUT
                """);
            await writer.WriteAsync(await export.ReadToEndAsync());
        }
        var target = new NpgsqlConnectionStringBuilder(database);
        const string columns = "id, case_id, region_code, procedure, period, instalment, payment_key, amount_fen, status, created_at, basis_json, " +
                               "payee_name, payee_id_number, bank_account, bank_account_corrected_at, run_id, sent_at, result_at, failure_reason";
        var timer = Stopwatch.StartNew();
        await PostgresCluster.RunAsync(Path.Combine(cluster.BinDirectory, "psql"),
            $"-h {cluster.Host} -p {cluster.Port} -U postgres -d {target.Database} -v ON_ERROR_STOP=1 " +
            $"-c \"\\copy copy_baseline ({columns}) FROM '{file}'\"");
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(file);
        return seconds;
    }

    internal static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<long> CountAsync(Stream body)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = await body.ReadAsync(buffer)) > 0;) total += read;
        return total;
    }

    /// <summary>The Host's peak resident memory so far (VmHWM), in MiB.</summary>
    internal static double PeakMiB(Process host) =>
        File.ReadLines($"/proc/{host.Id}/status").Where(l => l.StartsWith("VmHWM:"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0)
            .First();
}
