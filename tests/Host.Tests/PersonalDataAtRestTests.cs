using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>
/// ID numbers, bank accounts and phones are sealed at rest (issue 16): after a scenario that writes every kind of row
/// that holds them — cases with household members, their history, once-per claims, payments drawn by a payroll run in
/// SQL, a response kept for an Idempotency-Key — the raw database holds none of them in clear, while the API still
/// answers with them.
/// </summary>
public static class PersonalDataScenario
{
    public const string BankAccount = "6222020200112233445";

    /// <summary>Runs the scenario and returns every personal value it wrote, as the API reads them back.</summary>
    public static async Task<List<string>> RunAsync(ServiceHost host, Api admin)
    {
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var application = System.Text.Json.JsonSerializer.SerializeToNode(Application(Jilin))!;
        var members = application["household"]!["members"]!.AsArray().Select(m => m!["idNumber"]!.GetValue<string>()).ToList();
        var dibao = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) });
        await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" });
        Assert.Equal(1, (await PayMonthAsync(host, Jilin, "2026-03"))["count"]!.GetValue<int>());

        var intake = await host.LoginAsync(Seed.Caseworker);
        var aid = await Api.Expect(await intake.PostAsync("/api/cases", Seed.MigrantWorkerApplication(), idempotencyKey: "aid-1"),
            HttpStatusCode.Created);
        List<string> values = [BankAccount, "13800000000", "13900000001", "13900000002", .. members];
        foreach (var (created, reader) in new[] { (dibao, "22-village-caseworker"), (aid, Seed.Caseworker) })
        {
            var read = await (await host.LoginAsync(reader)).GetOk($"/api/cases/{created["id"]}");
            values.Add(read["applicant"]!["idNumber"]!.GetValue<string>());
        }
        Assert.Equal(4 + 3 + 2, values.Distinct().Count());
        Assert.All(values.Skip(4), id => Assert.Equal(18, id.Length)); // the case page shows them whole to the caseworker
        return values;
    }

    public static void AssertNoneInClear(string what, string raw, IEnumerable<string> values)
    {
        var found = values.Where(v => raw.Contains(v, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 0, $"{what} holds in clear: {string.Join(", ", found)}");
        Assert.Contains("enc:", raw); // and holds them sealed
    }
}

public sealed class PersonalDataAtRestTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_PostgreSQL_dump_after_a_full_scenario_holds_no_ID_number_bank_account_or_phone_in_clear()
    {
        var (host, admin, database) = await StartSeededAsync();
        var values = await PersonalDataScenario.RunAsync(host, admin);

        var connection = new NpgsqlConnectionStringBuilder(database);
        var dump = await PostgresCluster.RunAsync(Path.Combine(postgres.Cluster.BinDirectory, "pg_dump"),
            $"--data-only -h {connection.Host} -p {connection.Port} -U {connection.Username} {connection.Database}");
        Assert.Contains("COPY public.cases", dump);
        PersonalDataScenario.AssertNoneInClear("the dump", dump, values);
    }
}

public sealed class PersonalDataAtRestSqliteTests : HostedTest
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();

    [Fact]
    public async Task The_raw_SQLite_file_after_a_full_scenario_holds_no_ID_number_bank_account_or_phone_in_clear()
    {
        var (host, admin, database) = await StartSeededAsync();
        var values = await PersonalDataScenario.RunAsync(host, admin);

        var file = database["Data Source=".Length..];
        var raw = new StringBuilder();
        foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            raw.Append(Encoding.UTF8.GetString(copy.ToArray()));
        }
        PersonalDataScenario.AssertNoneInClear("the SQLite file", raw.ToString(), values);
    }
}
