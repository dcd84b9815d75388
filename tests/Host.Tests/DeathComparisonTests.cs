using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>No one is paid after death (002 §六; API.md, Data comparison): a death list for Jilin's county 220102 against three
/// 低保 households approved from March 2026 (1010.01 yuan a month each).</summary>
public sealed class DeathComparisonTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 9, 0, 0, TimeSpan.FromHours(8));

    private static async Task<JsonNode> ImportAsync(Api api, string csv, HttpStatusCode status = HttpStatusCode.OK)
    {
        var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return await Api.Expect(await api.Http.PostAsync($"/api/data-comparisons/death?regionCode={Jilin.County}", content), status);
    }

    /// <summary>Three households, each of three, approved in March; March paid to all three.</summary>
    private static async Task<List<JsonObject>> ThreeHouseholdsAsync(ServiceHost host, Api admin)
    {
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var applications = Enumerable.Range(0, 3)
            .Select(_ => (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Jilin), System.Text.Json.JsonSerializerOptions.Web)!)
            .ToList();
        var cases = new List<JsonNode>();
        foreach (var application in applications)
        {
            var created = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
            await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" }, created);
            await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } }, created);
            cases.Add(created);
        }
        await admin.PostOk("/api/test/clock", new { now = At(3, 3) });
        foreach (var created in cases)
            await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" }, created);
        Assert.Equal(3, (await PayMonthAsync(host, Jilin, "2026-03"))["count"]!.GetValue<int>());
        foreach (var (application, created) in applications.Zip(cases)) application["id"] = created["id"]!.DeepClone();
        return applications;
    }

    private static string IdOf(JsonObject application, int member) => application["household"]!["members"]![member]!["idNumber"]!.GetValue<string>();

    [Fact]
    public async Task A_death_leaves_the_next_run_with_two_and_a_confirmation_and_the_same_list_again_changes_nothing()
    {
        var (host, admin, _) = await StartSeededAsync();
        var households = await ThreeHouseholdsAsync(host, admin);
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(4, 1) });
        var county = await host.LoginAsync("22-county-officer");
        await ImportAsync(county, "身份证号,姓名\n110101199001011234,某某\n", HttpStatusCode.UnprocessableEntity); // wrong columns
        // The first household's applicant (self) died on 20 March; an unknown person; a row that cannot be read; a date to come.
        var list = "身份证号,姓名,日期,来源\n" +
                   $"{IdOf(households[0], 0)},张三丰,2026-03-20,县殡仪馆火化信息\n" +
                   $"{IdNumbers.Next()},路人甲,2026-03-02,县殡仪馆火化信息\n" +
                   "12345,无效,2026-03-02,县殡仪馆火化信息\n" +
                   $"{IdNumbers.Next()},路人乙,2026-05-02,县殡仪馆火化信息\n";
        var report = await ImportAsync(county, list);
        Assert.Equal((4, 1, 1, 0, 2), (report["rows"]!.GetValue<int>(), report["matched"]!.GetValue<int>(), report["unmatched"]!.GetValue<int>(),
            report["alreadyHandled"]!.GetValue<int>(), report["invalid"]!.GetValue<int>()));
        Assert.Equal([(3, "身份证号"), (4, "日期")], report["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["field"]!.GetValue<string>())));
        var action = Assert.Single(report["actions"]!.AsArray())!;
        Assert.Equal((households[0]["id"]!.GetValue<string>(), "suspended"), (action["caseId"]!.GetValue<string>(), action["action"]!.GetValue<string>()));

        // Paid through March, the month of death; April's run pays the other two, and the township is asked to confirm.
        var april = await PayMonthAsync(host, Jilin, "2026-04");
        Assert.Equal((2, 2020.02m), (april["count"]!.GetValue<int>(), april["total"]!.GetValue<decimal>()));
        var township = await host.LoginAsync("22-township-officer");
        var task = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["step"]!.GetValue<string>() == "death-confirmation")!;
        Assert.Equal(["confirm", "dispute"], task["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));

        var again = await ImportAsync(county, list); // the same file: the same answer, nothing more
        Assert.Equal((report["id"]!.GetValue<string>(), true, 1), (again["id"]!.GetValue<string>(), again["repeated"]!.GetValue<bool>(),
            again["matched"]!.GetValue<int>()));
        var renamed = await ImportAsync(county, "身份证号,姓名,日期,来源\n" + $"{IdOf(households[0], 0)},张三丰,2026-03-20,公安户籍注销\n");
        Assert.Equal((0, 1), (renamed["matched"]!.GetValue<int>(), renamed["alreadyHandled"]!.GetValue<int>())); // another list naming them again
        Assert.Single((await township.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["step"]!.GetValue<string>() == "death-confirmation");

        var confirmed = await township.PostOk($"/api/tasks/{task["id"]}/complete", new { outcome = "confirm" });
        Assert.Equal(("closed", "ended", "2026-03"), (confirmed["status"]!.GetValue<string>(), confirmed["benefit"]!["status"]!.GetValue<string>(),
            confirmed["benefit"]!["until"]!.GetValue<string>()));
        Assert.Empty(confirmed["openTasks"]!.AsArray());
        var rows = (await county.GetOk($"/api/data-comparisons/{report["id"]}/rows"))["items"]!.AsArray();
        Assert.Equal(["matched", "unmatched", "invalid", "invalid"], rows.Select(r => r!["result"]!.GetValue<string>()));
        Assert.Contains("********", rows[0]!["idNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disputed_match_is_paid_the_held_back_month_and_a_confirmed_member_recomputes_the_household()
    {
        var (host, admin, _) = await StartSeededAsync();
        var households = await ThreeHouseholdsAsync(host, admin);
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(4, 1) });
        var county = await host.LoginAsync("22-county-officer");
        // The second household's applicant is listed by mistake; the third household's spouse 李梅 did die on 25 March.
        await ImportAsync(county, "身份证号,姓名,日期,来源\n" +
                                  $"{IdOf(households[1], 0)},张三丰,2026-03-15,卫健死亡医学证明\n" +
                                  $"{IdOf(households[2], 1)},李梅,2026-03-25,卫健死亡医学证明\n");
        Assert.Equal(1, (await PayMonthAsync(host, Jilin, "2026-04"))["count"]!.GetValue<int>()); // only the first household

        var township = await host.LoginAsync("22-township-officer");
        var tasks = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Where(t => t!["step"]!.GetValue<string>() == "death-confirmation").ToList();
        var mistaken = tasks.Single(t => t!["caseId"]!.GetValue<string>() == households[1]["id"]!.GetValue<string>())!;
        await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{mistaken["id"]}/complete", new { outcome = "dispute" }),
            HttpStatusCode.UnprocessableEntity, "comment");
        var restored = await township.PostOk($"/api/tasks/{mistaken["id"]}/complete",
            new { outcome = "dispute", comment = "入户核实本人健在，系同名同姓误报" });
        Assert.Equal("active", restored["benefit"]!["status"]!.GetValue<string>());

        // 李梅 confirmed: the household of two is computed again. JL: standard (urban) 700; incomes 张三丰 1200 − 200 = 1000,
        // 张小 0: per capita (1000 + 0) / 2 = 500; 补差 (700 − 500) × 2 = 400; 张小 is a minor: + 10% × 700 = 70 → 470.
        var widowed = tasks.Single(t => t!["caseId"]!.GetValue<string>() == households[2]["id"]!.GetValue<string>())!;
        var recomputed = await township.PostOk($"/api/tasks/{widowed["id"]}/complete", new { outcome = "confirm" });
        Assert.Equal(("active", 470m), (recomputed["benefit"]!["status"]!.GetValue<string>(), recomputed["benefit"]!["monthlyAmount"]!.GetValue<decimal>()));
        Assert.Contains(("2026-04", 470m, "pending"), recomputed["payments"]!.AsArray()
            .Select(p => (p!["period"]!.GetValue<string>(), p["amount"]!.GetValue<decimal>(), p["status"]!.GetValue<string>())));
        // May's run pays April held back (1010.01 for the restored household, 470 for the widowed) and May to all three.
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(5, 1) });
        var may = await PayMonthAsync(host, Jilin, "2026-05");
        Assert.Equal((5, 1010.01m * 3 + 470m * 2), (may["count"]!.GetValue<int>(), may["total"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task Months_stay_held_while_another_person_waits_for_an_answer_and_a_disputed_person_can_be_reported_again()
    {
        var (host, admin, _) = await StartSeededAsync();
        var households = await ThreeHouseholdsAsync(host, admin);
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(5, 4) });
        var county = await host.LoginAsync("22-county-officer");
        // Two members of the third household: 张小 reported for 10 March (held from April), 李梅 for 10 April (from May).
        await ImportAsync(county, "身份证号,姓名,日期,来源\n" +
                                  $"{IdOf(households[2], 2)},张小,2026-03-10,卫健死亡医学证明\n" +
                                  $"{IdOf(households[2], 1)},李梅,2026-04-10,卫健死亡医学证明\n");
        Assert.Equal(2, (await PayMonthAsync(host, Jilin, "2026-04"))["count"]!.GetValue<int>()); // held from April
        Assert.Equal(2, (await PayMonthAsync(host, Jilin, "2026-05"))["count"]!.GetValue<int>());
        var township = await host.LoginAsync("22-township-officer");
        var tasks = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Where(t => t!["step"]!.GetValue<string>() == "death-confirmation").ToList();
        async Task<JsonNode> DisputeAsync(string name) => await township.PostOk(
            $"/api/tasks/{tasks.Single(t => t!["name"]!.GetValue<string>().Contains(name))!["id"]}/complete",
            new { outcome = "dispute", comment = "入户核实本人健在" });

        // 张小 disputed: April is owed again, but 李梅 still waits, so May stays held.
        var first = await DisputeAsync("张小");
        Assert.Equal("suspended", first["benefit"]!["status"]!.GetValue<string>());
        Assert.Equal([("2026-04", "pending")], first["payments"]!.AsArray().Where(p => p!["period"]!.GetValue<string>() != "2026-03")
            .Select(p => (p!["period"]!.GetValue<string>(), p["status"]!.GetValue<string>())));
        var second = await DisputeAsync("李梅");
        Assert.Equal("active", second["benefit"]!["status"]!.GetValue<string>());
        Assert.Equal(["2026-03", "2026-04", "2026-05"], second["payments"]!.AsArray().Select(p => p!["period"]!.GetValue<string>()).Order());

        // June's run pays the third household April, May and June; the other two June.
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(6, 1) });
        var june = await PayMonthAsync(host, Jilin, "2026-06");
        Assert.Equal((5, 1010.01m * 5), (june["count"]!.GetValue<int>(), june["total"]!.GetValue<decimal>()));

        // A person disputed once is not shielded from the register for good: 张小's real death later is matched.
        county = await host.LoginAsync("22-county-officer");
        var later = await ImportAsync(county, "身份证号,姓名,日期,来源\n" + $"{IdOf(households[2], 2)},张小,2026-05-20,公安户籍注销\n");
        Assert.Equal((1, 0), (later["matched"]!.GetValue<int>(), later["alreadyHandled"]!.GetValue<int>()));
    }

    /// <summary>003 §六(一), 004 §五(一): an unemployment-insurance list re-checks the open migrant-worker-aid case of an
    /// insured applicant (refused when confirmed) and refuses new applications of listed people, naming the list.</summary>
    [Fact]
    public async Task An_insurance_list_rechecks_open_migrant_worker_aid_and_refuses_new_applications_of_insured_people()
    {
        var (host, _, _) = await StartSeededAsync();
        var (insured, other) = (IdNumbers.Next(), IdNumbers.Next());
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var open = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(insured), HttpStatusCode.Created);
        var county = await host.LoginAsync(Seed.CountyOfficer);
        var content = new StringContent("身份证号,姓名,日期,来源\n" + $"{insured},张三,2025-07-01,县人社局参保信息\n" + $"{other},李四,2025-09-01,县人社局参保信息\n",
            Encoding.UTF8, "text/csv");
        var report = await Api.Expect(await county.Http.PostAsync($"/api/data-comparisons/unemployment-insurance?regionCode={Seed.County}", content),
            HttpStatusCode.OK);
        Assert.Equal((2, 1, 1), (report["rows"]!.GetValue<int>(), report["matched"]!.GetValue<int>(), report["unmatched"]!.GetValue<int>()));
        Assert.Equal((open["id"]!.GetValue<string>(), "recheck"), (report["actions"]![0]!["caseId"]!.GetValue<string>(),
            report["actions"]![0]!["action"]!.GetValue<string>()));

        // A new application of the other listed person is refused, naming the list.
        var refused = await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(other)),
            HttpStatusCode.UnprocessableEntity, "applicant.idNumber");
        Assert.Contains("县人社局参保信息", refused["errors"]!["applicant.idNumber"]![0]!.GetValue<string>());

        var recheck = (await county.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["step"]!.GetValue<string>() == "insurance-recheck")!;
        Assert.Equal(["insured", "not-insured"], recheck["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        var ended = await county.PostOk($"/api/tasks/{recheck["id"]}/complete", new { outcome = "insured" });
        Assert.Equal("rejected", ended["status"]!.GetValue<string>());
        Assert.Empty(ended["openTasks"]!.AsArray());
    }
}
