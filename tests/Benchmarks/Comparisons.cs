using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>
/// The county-sized bulk work of data comparison and reports, each beside psql on the same server in the same run: a death
/// list of R rows (1 in 100 a recipient) compared with N benefits, beside <c>\copy</c> of the list's rows into a table;
/// then the payment ledger of the N payments of a month as xlsx, beside <c>\copy</c> of those rows out to CSV; with the
/// Host's peak memory.
/// </summary>
public static class Comparisons
{
    private const string County = "220102";

    public static async Task RunAsync(PostgresCluster cluster, string database, Process host, HttpClient admin, int benefits, int rows)
    {
        await Program.CreateRegionsAsync(admin);
        await Program.CreateUserAsync(admin, "cw", "village-caseworker", "220102001001", "bench-pass-1");
        await Program.CreateUserAsync(admin, "county", "county-officer", County, "bench-pass-1");
        await Program.CreateUserAsync(admin, "finance", "finance-officer", County, "bench-pass-1");
        var caseworker = await Program.LoginAsync(admin, "cw", "bench-pass-1");
        var template = (await Program.Send(caseworker, HttpMethod.Post, "/api/cases", Payroll.Application, HttpStatusCode.Created))["id"]!
            .GetValue<string>();
        var seeding = Stopwatch.StartNew();
        await Payroll.SeedBenefitsAsync(database, template, benefits);
        var ids = await SeedPersonsAsync(database);
        Console.WriteLine($"seeded {benefits:N0} benefits with a person each (keyed hash) in {seeding.Elapsed.TotalSeconds:F1} s");

        // The register: 1 row in 100 names a recipient, the rest people no benefit keeps.
        var list = new StringBuilder("身份证号,姓名,日期,来源\n");
        for (var i = 0; i < rows; i++)
            list.Append(i % 100 == 0 ? ids[i * 7 % ids.Count] : IdNumbers.Make("110101", new DateOnly(1930, 1, 1).AddDays(i / 1000), i % 1000))
                .Append(",某某,2026-01-05,县殡仪馆火化信息\n");
        var copy = await CopyListAsync(cluster, database, list.ToString());
        Console.WriteLine($"psql \\copy of the {rows:N0} rows into a table: {copy:F1} s");

        var county = await Program.LoginAsync(admin, "county", "bench-pass-1");
        county.Timeout = TimeSpan.FromMinutes(30);
        var peakBefore = Payroll.PeakMiB(host);
        var comparing = Stopwatch.StartNew();
        var content = new StringContent(list.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await county.PostAsync($"/api/data-comparisons/death?regionCode={County}", content);
        var report = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{response.StatusCode}: {report}");
        var compared = comparing.Elapsed.TotalSeconds;
        var matched = System.Text.Json.Nodes.JsonNode.Parse(report)!["matched"]!.GetValue<int>();
        Console.WriteLine($"death comparison of {rows:N0} rows against {benefits:N0} benefits ({matched:N0} matched, each suspended with " +
                          $"a task): {compared:F1} s — {compared / copy:F1}× the \\copy; Host peak memory {peakBefore:F0} MiB before, " +
                          $"{Payroll.PeakMiB(host):F0} MiB after");

        // The ledger of a month: the county's run writes the month's payments, the ledger lists them.
        var finance = await Program.LoginAsync(admin, "finance", "bench-pass-1");
        finance.Timeout = TimeSpan.FromMinutes(30);
        var period = (await Program.Send(admin, HttpMethod.Get, "/api/test/clock", new { }, HttpStatusCode.OK))["now"]!
            .GetValue<DateTimeOffset>().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var run = await Program.Send(finance, HttpMethod.Post, "/api/payroll-runs", new { regionCode = County, period }, HttpStatusCode.Created);
        var export = await CopyOutAsync(cluster, database, period);
        Console.WriteLine($"psql \\copy of the month's {run["count"]} payments out to CSV: {export:F1} s");
        peakBefore = Payroll.PeakMiB(host);
        var writing = Stopwatch.StartNew();
        using var ledger = await finance.GetAsync($"/api/reports/payments?regionCode={County}&period={period}&format=xlsx",
            HttpCompletionOption.ResponseHeadersRead);
        if (ledger.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"ledger: {ledger.StatusCode}");
        var bytes = await Payroll.CountAsync(await ledger.Content.ReadAsStreamAsync());
        var written = writing.Elapsed.TotalSeconds;
        Console.WriteLine($"payment ledger of {run["count"]} payments as xlsx: {bytes / 1048576.0:F0} MiB in {written:F1} s — " +
                          $"{written / export:F1}× the \\copy out; Host peak memory {peakBefore:F0} MiB before, {Payroll.PeakMiB(host):F0} MiB after");
    }

    /// <summary>A valid ID number for each seeded benefit, its keyed hash written to benefit_persons by binary COPY.</summary>
    private static async Task<List<string>> SeedPersonsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var benefits = new List<(Guid Benefit, Guid Case)>();
        await using (var read = new NpgsqlCommand("SELECT b.id, b.case_id FROM benefits b WHERE NOT EXISTS " +
                                                  "(SELECT 1 FROM benefit_persons p WHERE p.benefit_id = b.id)", connection))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) benefits.Add((reader.GetGuid(0), reader.GetGuid(1)));
        var key = Convert.FromBase64String(TestSettings.LookupKey);
        var ids = new List<string>(benefits.Count);
        await using (var writer = await connection.BeginBinaryImportAsync(
                         "COPY benefit_persons (benefit_id, case_id, person, name, relation) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (benefit, ofCase) in benefits)
            {
                var id = IdNumbers.Make("220102", new DateOnly(1940, 1, 1).AddDays(ids.Count / 1000), ids.Count % 1000);
                ids.Add(id);
                await writer.StartRowAsync();
                await writer.WriteAsync(benefit, NpgsqlDbType.Uuid);
                await writer.WriteAsync(ofCase, NpgsqlDbType.Uuid);
                // The service's keyed hash (PersonalDataCipher.Lookup) under the benchmark's lookup key.
                await writer.WriteAsync("h1:" + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(id))), NpgsqlDbType.Text);
                await writer.WriteAsync("张三", NpgsqlDbType.Text);
                await writer.WriteAsync("self", NpgsqlDbType.Text);
            }
            await writer.CompleteAsync();
        }
        await Payroll.Execute(connection, "ANALYZE benefit_persons");
        return ids;
    }

    private static async Task<double> CopyListAsync(PostgresCluster cluster, string database, string csv)
    {
        var file = Path.Combine(Path.GetTempPath(), $"list-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await Payroll.Execute(connection, "CREATE TABLE list_baseline (id_number text, name text, day date, source text)");
        }
        var timer = Stopwatch.StartNew();
        await Psql(cluster, database, $"\\copy list_baseline FROM '{file}' WITH (FORMAT csv, HEADER true)");
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(file);
        return seconds;
    }

    private static async Task<double> CopyOutAsync(PostgresCluster cluster, string database, string period)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.csv");
        var timer = Stopwatch.StartNew();
        await Psql(cluster, database, $"\\copy (SELECT id, region_code, payee_name, payee_id_number, procedure, period, amount_fen, status, " +
                                      $"run_id FROM payments WHERE period = '{period}' ORDER BY region_code, id) TO '{file}' WITH (FORMAT csv, HEADER true)");
        var seconds = timer.Elapsed.TotalSeconds;
        File.Delete(file);
        return seconds;
    }

    private static Task<string> Psql(PostgresCluster cluster, string database, string command) =>
        PostgresCluster.RunAsync(Path.Combine(cluster.BinDirectory, "psql"),
            $"-h {cluster.Host} -p {cluster.Port} -U postgres -d {new NpgsqlConnectionStringBuilder(database).Database} -v ON_ERROR_STOP=1 -c \"{command}\"");
}
