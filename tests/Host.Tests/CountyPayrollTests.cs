using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>
/// A Ningxia county's months through the shipped procedures (DOMAIN.md §1 低保 with its review and gradual exit, §4 特困,
/// §5 orphans; API.md, Payroll runs): every benefit the county holds is paid once a month by the county's run, whatever
/// programme granted it, and a benefit whose gradual exit has ended is not paid after its last month.
/// </summary>
public sealed class CountyPayrollTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static DateTimeOffset FirstOf(int month) => new(2026, month, 1, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>An orphan's support approved in Ningxia; the application named no bank account.</summary>
    private static async Task<JsonNode> ApprovedOrphanWithoutAccountAsync(ServiceHost host)
    {
        var orphan = await (await host.LoginAsync("64-village-caseworker")).PostOk("/api/cases", new
        {
            procedure = "orphan-support", regionCode = Ningxia.Village,
            applicant = new { name = "马小花", idNumber = IdNumbers.Make("640104", new DateOnly(2016, 5, 9), 17) },
            data = new { childType = "orphan", documents = true },
        }, HttpStatusCode.Created);
        await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve" }, orphan);
        await CompleteAsync(host, Ningxia, "county-approver", "county-approval", new { outcome = "approve" }, orphan);
        return orphan;
    }

    [Fact]
    public async Task A_month_whose_every_payment_waits_for_an_account_is_accepted_asks_for_it_and_leaves_the_run_to_be_drawn()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        var orphan = await ApprovedOrphanWithoutAccountAsync(host);
        var finance = await host.LoginAsync("64-finance-officer");

        // Before, this was a 409 that had written the month's payment and opened the correction task: an error that was not one.
        var waiting = await Api.Expect(await finance.PostAsync("/api/payroll-runs", new { regionCode = Ningxia.County, period = "2026-02" }),
            HttpStatusCode.Accepted);
        Assert.Equal((0, 1), (waiting["count"]!.GetValue<int>(), waiting["withoutBankAccount"]!.GetValue<int>()));
        var village = await host.LoginAsync("64-village-caseworker");
        var ask = Assert.Single((await village.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["step"]!.GetValue<string>() == "bank-account-correction")!;
        await village.PostOk($"/api/tasks/{ask["id"]}/complete", new { outcome = "corrected", data = new { bankAccount = "6217000055556666777" } });

        // No run of nothing was kept to stand in the way: the month's regular run is drawn once the account is there.
        var run = await PayMonthAsync(host, Ningxia, "2026-02");
        Assert.Equal((1, 0), (run["count"]!.GetValue<int>(), run["withoutBankAccount"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Dibao_tekun_and_orphan_recipients_are_paid_every_month_and_a_finished_gradual_exit_is_not()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        // Ningxia publishes a monthly review and a one-month gradual exit, so the months below show both.
        var definition = (await admin.GetOk("/api/definitions/dibao?region=64")).AsObject();
        definition["parameters"]!["reviewMonthsStable"] = 1;
        definition["parameters"]!["gradualExitMonths"] = 1;
        definition.Remove("version");
        definition.Remove("publishedAt");
        await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=64", definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/dibao/publish?region=64");

        var caseworker = await host.LoginAsync("64-village-caseworker");
        var leaving = await caseworker.PostOk("/api/cases", Application(Ningxia), HttpStatusCode.Created);
        var staying = await caseworker.PostOk("/api/cases", Application(Ningxia), HttpStatusCode.Created);
        foreach (var dibao in new[] { leaving, staying })
        {
            await CompleteAsync(host, Ningxia, "village-caseworker", "home-visit", new { outcome = "confirm" }, dibao);
            await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } }, dibao);
        }
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) }); // notices over
        foreach (var dibao in new[] { leaving, staying })
            await CompleteAsync(host, Ningxia, "township-approver", "approval", new { outcome = "approve" }, dibao);

        caseworker = await host.LoginAsync("64-village-caseworker");
        var tekun = await caseworker.PostOk("/api/cases", new
        {
            procedure = "tekun", regionCode = Ningxia.Village,
            applicant = new { name = "马老汉", idNumber = IdNumbers.Next("640104"), bankAccount = "6228480088776655443" },
            data = new { age = 72, noSupporter = true, noIncome = true, noWorkCapacity = true, careMode = "dispersed", residence = "rural" },
        }, HttpStatusCode.Created);
        await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve" }, tekun);
        await CompleteAsync(host, Ningxia, "county-approver", "county-approval", new { outcome = "approve" }, tekun);
        await CompleteAsync(host, Ningxia, "township-officer", "care-agreement", new { outcome = "signed", data = new { caregiver = "邻居" } }, tekun);
        var orphan = await ApprovedOrphanWithoutAccountAsync(host);

        // March: two dibao households at (700 − 433.33) × 3 = 800.01, tekun 1.3 × rural 500 = 650. The orphan's 1200
        // cannot go to the bank: the application named no account. The run says so, and the village caseworker is asked.
        var march = await ExpectRunAsync(host, "2026-03", ("dibao", 2, 1600.02m), ("tekun", 1, 650m));
        Assert.Equal(1, march["withoutBankAccount"]!.GetValue<int>());
        var village = await host.LoginAsync("64-village-caseworker");
        var ask = Assert.Single((await village.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["step"]!.GetValue<string>() == "bank-account-correction")!;
        Assert.Equal(orphan["id"]!.GetValue<string>(), ask["caseId"]!.GetValue<string>());
        await village.PostOk($"/api/tasks/{ask["id"]}/complete", new { outcome = "corrected", data = new { bankAccount = "6217 0000 5555 6666 777" } });

        // April's review: the leaving household's income rose (gradual exit through May), the other continues.
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(4) });
        var exiting = await CompleteAsync(host, Ningxia, "township-officer", "periodic-review", new { outcome = "gradual-exit" }, leaving);
        Assert.Equal("2026-05", exiting["benefit"]!["until"]!.GetValue<string>());
        await CompleteAsync(host, Ningxia, "township-officer", "periodic-review", new { outcome = "continue" }, staying);
        // April's run takes the orphan's March with April, to the account the caseworker entered.
        await ExpectRunAsync(host, "2026-04", ("dibao", 2, 1600.02m), ("orphan-support", 2, 2400m), ("tekun", 1, 650m));

        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(5) });
        await ExpectRunAsync(host, "2026-05", ("dibao", 2, 1600.02m), ("orphan-support", 1, 1200m), ("tekun", 1, 650m));

        // June: the gradual exit ended with May; the household's case is closed and the county pays the other three.
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(6) });
        await ExpectRunAsync(host, "2026-06", ("dibao", 1, 800.01m), ("orphan-support", 1, 1200m), ("tekun", 1, 650m));
        var township = await host.LoginAsync("64-township-officer");
        var left = await township.GetOk($"/api/cases/{leaving["id"]}");
        Assert.Equal(("closed", "ended", "2026-05"), (left["status"]!.GetValue<string>(), left["benefit"]!["status"]!.GetValue<string>(),
            left["benefit"]!["until"]!.GetValue<string>()));
        Assert.Equal(["2026-03", "2026-04", "2026-05"], left["payments"]!.AsArray().Select(p => p!["period"]!.GetValue<string>()).Order());
        foreach (var kept in new[] { staying, tekun, orphan })
            Assert.Equal(["2026-03", "2026-04", "2026-05", "2026-06"], (await township.GetOk($"/api/cases/{kept["id"]}"))["payments"]!
                .AsArray().Select(p => p!["period"]!.GetValue<string>()).Order());
    }

    /// <summary>Draws the county's regular run of the month and checks its totals per programme.</summary>
    private static async Task<JsonNode> ExpectRunAsync(ServiceHost host, string period, params (string Procedure, int Count, decimal Total)[] expected)
    {
        var run = await PayMonthAsync(host, Ningxia, period);
        Assert.Equal(expected, run["byProcedure"]!.AsArray()
            .Select(p => (p!["procedure"]!.GetValue<string>(), p["count"]!.GetValue<int>(), p["total"]!.GetValue<decimal>()))
            .OrderBy(p => p.Item1));
        Assert.Equal((expected.Sum(e => e.Count), expected.Sum(e => e.Total)), (run["count"]!.GetValue<int>(), run["total"]!.GetValue<decimal>()));
        return run;
    }
}
