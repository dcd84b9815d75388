using System.Net;
using System.Text.Json.Nodes;
using Workflows.Applicants;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>低保 in each province that differs, through HTTP to its end; amounts worked out by hand beside them.</summary>
public sealed class DibaoScenarioTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal sealed record Province(string Code, string Name, string County, string Township, string Village);

    internal static readonly Province Jilin = new("22", "吉林省", "220102", "220102001", "220102001001");
    internal static readonly Province Ningxia = new("64", "宁夏回族自治区", "640104", "640104001", "640104001001");
    internal static readonly Province Chongqing = new("50", "重庆市", "500155", "500155001", "500155001001");

    /// <summary>A province's regions, a standard (urban 700, rural 500) and its officials, named after the province code.</summary>
    internal static async Task<Api> SetUpAsync(Api admin, Province p)
    {
        foreach (var code in new[] { p.Code, p.County[..4], p.County, p.Township, p.Village })
            if ((await admin.GetAsync($"/api/admin/regions/{code}")).StatusCode == HttpStatusCode.NotFound)
                await admin.PostOk("/api/admin/regions", new { code, name = $"{p.Name}{code}" }, HttpStatusCode.Created);
        await Api.Expect(await admin.PutAsync($"/api/admin/regions/{p.County}/standards",
            new { urbanMonthly = 700, ruralMonthly = 500, effectiveFrom = "2026-01-01" }), HttpStatusCode.OK);
        foreach (var (role, region) in new[]
                 {
                     ("village-caseworker", p.Village), ("township-officer", p.Township), ("township-approver", p.Township),
                     ("county-officer", p.County), ("county-approver", p.County), ("finance-officer", p.County),
                 })
            await admin.PostOk("/api/admin/users", new
            {
                username = $"{p.Code}-{role}", password = Seed.Password, displayName = role, roles = new[] { role }, regionCode = region,
            }, HttpStatusCode.Created);
        return admin;
    }

    internal static object Application(Province p, int applicantIncome = 1200) => new
    {
        procedure = "dibao",
        regionCode = p.Village,
        applicant = new { name = "张三丰", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233445" },
        household = new
        {
            members = new object[]
            {
                new { name = "张三丰", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = applicantIncome, employmentCost = 200, age = 45 },
                new { name = "李梅", idNumber = IdNumbers.Next(), relation = "spouse", monthlyIncome = 300, age = 43, seriousIllness = true },
                new { name = "张小", idNumber = IdNumbers.Next(), relation = "child", monthlyIncome = 0, age = 12 },
            },
        },
        data = new { residence = "urban" },
    };

    /// <summary>Completes the open task at that step — of the given case when several cases wait there.</summary>
    internal static async Task<JsonNode> CompleteAsync(ServiceHost host, Province p, string role, string step, object body, JsonNode? ofCase = null)
    {
        var api = await host.LoginAsync($"{p.Code}-{role}");
        var task = (await api.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["step"]!.GetValue<string>() == step
            && (ofCase is null || t["caseId"]!.GetValue<string>() == ofCase["id"]!.GetValue<string>()))!;
        var reply = await api.PostOk($"/api/tasks/{task["id"]}/complete", body);
        // The reply is built from what the command holds; a fresh read of the case must show the same (the reply masks the
        // ID number, which the case page shows whole to the roles that check identity).
        var read = await api.GetOk($"/api/cases/{reply["id"]}");
        var full = read["applicant"]!["idNumber"]!.GetValue<string>();
        Assert.Equal(IdNumber.Mask(full), reply["applicant"]!["idNumber"]!.GetValue<string>());
        read["applicant"]!["idNumber"] = IdNumber.Mask(full);
        Assert.True(JsonNode.DeepEquals(read, reply), $"reply {reply.ToJsonString()}\n  read {read.ToJsonString()}");
        return reply;
    }

    /// <summary>The county's regular payroll run of a month (API.md, Payroll runs), drawn by its finance officer.</summary>
    internal static async Task<JsonNode> PayMonthAsync(ServiceHost host, Province p, string period) =>
        await (await host.LoginAsync($"{p.Code}-finance-officer")).PostOk("/api/payroll-runs", new { regionCode = p.County, period },
            HttpStatusCode.Created);

    /// <summary>The case's payments as (period, amount), as anyone who may see the case reads them.</summary>
    private static async Task<List<(string, decimal)>> PaymentsOfAsync(ServiceHost host, JsonNode created) =>
        (await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}"))["payments"]!
            .AsArray().Select(p => (p!["period"]!.GetValue<string>(), p["amount"]!.GetValue<decimal>())).OrderBy(p => p.Item1).ToList();

    private static DateTimeOffset FirstOf(int year, int month) => new(year, month, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static string Month(DateTimeOffset at) => at.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task PassNoticeAsync(Api admin, DateTimeOffset after) => await admin.PostOk("/api/test/clock", new { now = after });

    [Fact]
    public async Task Jilin_pays_the_subsidy_with_its_category_add_on_and_approves_at_the_township()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        // Per capita (1200 − 200 + 300 + 0) ÷ 3 = 433.33; 补差 (700 − 433.33) × 3 = 800.01 (004 §一(一));
        // 分类施保 (004 §三(一), JL defaults): 李梅 seriously ill 20% × 700 = 140, 张小 a minor 10% × 700 = 70 → 1010.01
        Assert.Equal(1010.01m, created["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());

        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        var reviewed = await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        Assert.Equal("notice", reviewed["step"]!.GetValue<string>()); // undisputed: no democratic review (004 §五(二))
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        var approved = await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" });
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal((1010.01m, "2026-03"), (approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>(), approved["benefit"]!["from"]!.GetValue<string>()));
        Assert.Equal(1010.01m, approved["decision"]!["monthlyAmount"]!.GetValue<decimal>());
        // The county's run of the month pays it (社会化发放), not the case itself.
        Assert.Empty(approved["payments"]!.AsArray());
        var march = await PayMonthAsync(host, Jilin, "2026-03");
        Assert.Equal((1, 1010.01m), (march["count"]!.GetValue<int>(), march["total"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task Ningxia_holds_a_democratic_review_only_when_disputed_and_approves_at_the_township()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        var caseworker = await host.LoginAsync("64-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Ningxia), HttpStatusCode.Created);
        Assert.Equal("64", created["definition"]!["regionCode"]!.GetValue<string>());
        // No add-on in Ningxia's definition: (700 − 433.33) × 3 = 800.01
        Assert.Equal(800.01m, created["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());

        await CompleteAsync(host, Ningxia, "village-caseworker", "home-visit", new { outcome = "confirm" });
        var reviewed = await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = true } });
        Assert.Equal("democratic-review", reviewed["step"]!.GetValue<string>()); // 003 §五(二)
        await CompleteAsync(host, Ningxia, "village-caseworker", "democratic-review", new { outcome = "approve" });
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        // Approval devolved to the township (003 §五(一)): the county approver has nothing.
        Assert.Empty((await (await host.LoginAsync("64-county-approver")).GetOk("/api/tasks"))["items"]!.AsArray());
        var approved = await CompleteAsync(host, Ningxia, "township-approver", "approval", new { outcome = "approve" });
        Assert.Equal(800.01m, approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Chongqing_has_no_democratic_review_in_the_epidemic_and_the_county_approves()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        var caseworker = await host.LoginAsync("50-village-caseworker");
        await caseworker.PostOk("/api/cases", Application(Chongqing), HttpStatusCode.Created);
        await CompleteAsync(host, Chongqing, "village-caseworker", "home-visit", new { outcome = "confirm" });
        var reviewed = await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        Assert.Equal("notice", reviewed["step"]!.GetValue<string>()); // 001 §四: democratic review cancelled
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        var approved = await CompleteAsync(host, Chongqing, "county-approver", "approval", new { outcome = "approve" });
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_income_above_the_standard_is_refused_with_the_rule_and_the_numbers()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        // (2300 − 200 + 300 + 0) ÷ 3 = 800 ≥ 700
        var refused = await caseworker.PostOk("/api/cases", Application(Jilin, applicantIncome: 2300), HttpStatusCode.Created);
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        var reason = refused["decision"]!["reason"]!.GetValue<string>();
        Assert.Contains("家庭人均月收入 800 元不低于低保标准 700 元", reason);
        Assert.Contains("人均月收入 = 2400 ÷ 3 人 = 800", reason);
        Assert.Empty(refused["openTasks"]!.AsArray());
    }

    private static object RegisteredPoorApplication(string povertyStatus) => new
    {
        procedure = "dibao",
        regionCode = Jilin.Village,
        applicant = new { name = "赵大山", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233446" },
        household = new
        {
            members = new object[]
            {
                new { name = "赵大山", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 2000, employmentCost = 200, age = 52, disabilityGrade = 2 },
                new { name = "钱秀", idNumber = IdNumbers.Next(), relation = "spouse", monthlyIncome = 300, age = 50, seriousIllness = true },
                new { name = "赵小", idNumber = IdNumbers.Next(), relation = "child", monthlyIncome = 0, age = 12 },
            },
        },
        data = new { residence = "rural", povertyStatus },
    };

    [Fact]
    public async Task Jilin_covers_registered_poor_people_with_severe_disability_without_the_economic_check()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");

        // 004 §一(二): not yet lifted out of poverty, a member with grade-2 disability → rural dibao, no economic check.
        var covered = await caseworker.PostOk("/api/cases", RegisteredPoorApplication("unlifted"), HttpStatusCode.Created);
        Assert.Equal("home-visit", covered["step"]!.GetValue<string>());
        var assessment = covered["data"]!["assessment"]!;
        Assert.True(assessment["economicCheckWaived"]!.GetValue<bool>());
        // Declared: (2000 − 200 + 300 + 0) ÷ 3 = 700 per person, above the rural standard 500: no 补差, 0.
        // 分类施保 at Jilin's rates of the rural standard: 重残 20% = 100, 重病 20% = 100, minor 10% = 50 → 250.
        Assert.Equal(700m, assessment["perCapitaIncome"]!.GetValue<decimal>());
        Assert.Equal(250m, assessment["monthlyAmount"]!.GetValue<decimal>());
        Assert.Contains(assessment["arithmetic"]!.AsArray(), l => l!.GetValue<string>().Contains("不再进行家庭经济状况核对（吉林 004 §一(二)）"));
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        var approved = await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" });
        Assert.Equal(250m, approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>());

        // The same household, lifted out of poverty, goes through the economic check, and its income refuses it.
        caseworker = await host.LoginAsync("22-village-caseworker"); // the clock moved past the old token's lifetime
        var refused = await caseworker.PostOk("/api/cases", RegisteredPoorApplication("lifted"), HttpStatusCode.Created);
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Contains("家庭人均月收入 700 元不低于低保标准 500 元", refused["decision"]!["reason"]!.GetValue<string>());
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", RegisteredPoorApplication("poor-ish")),
            HttpStatusCode.UnprocessableEntity, "data.povertyStatus");
    }

    [Fact]
    public async Task A_township_review_left_past_its_deadline_goes_to_the_county()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        // 5 working days from Friday 13 February 2026: 14, 24, 25, 26, 27 February.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 28, 9, 0, 0, TimeSpan.FromHours(8)) });
        var county = await host.LoginAsync("22-county-officer");
        var escalated = Assert.Single((await county.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("township-review", escalated["step"]!.GetValue<string>());
        // The county has 5 working days of its own from the escalation (on Saturday 28 February, a make-up workday): 2–6 March.
        Assert.False(escalated["overdue"]!.GetValue<bool>());
        Assert.Equal(new DateTimeOffset(2026, 3, 7, 0, 0, 0, TimeSpan.FromHours(8)), escalated["dueAt"]!.GetValue<DateTimeOffset>()); // end of 6 March
    }

    [Fact]
    public async Task Jilin_pays_every_month_once_and_reviews_an_unstable_household_every_six_months()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var application = (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Jilin), System.Text.Json.JsonSerializerOptions.Web)!;
        application["data"]!["householdType"] = "unstable"; // unstable income, able-bodied members: every six months (004 §三(一))
        var created = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" }); // from March

        await PayMonthAsync(host, Jilin, "2026-03");
        foreach (var month in new[] { 4, 5, 6, 7, 8 })
        {
            await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, month) });
            await PayMonthAsync(host, Jilin, $"2026-{month:00}");
        }
        Assert.Equal(Enumerable.Range(3, 6).Select(m => ($"2026-{m:00}", 1010.01m)), await PaymentsOfAsync(host, created));
        await Api.ExpectProblem(await (await host.LoginAsync("22-finance-officer")).PostAsync("/api/payroll-runs",
            new { regionCode = Jilin.County, period = "2026-08" }), HttpStatusCode.Conflict); // a month is paid once

        // Six months after March's approval the township reviews the household.
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, 9) });
        var due = await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("periodic-review", due["step"]!.GetValue<string>());
        await CompleteAsync(host, Jilin, "township-officer", "periodic-review", new { outcome = "exit", comment = "家庭成员就业，人均收入超过标准" });
        // 004 §一(三): no exit before the return-to-poverty risk is assessed (JilinExitTests has the rest of it).
        var exited = await CompleteAsync(host, Jilin, "township-officer", "risk-assessment", new { outcome = "exit", comment = "就业稳定，无返贫风险" });
        Assert.Equal("closed", exited["status"]!.GetValue<string>());
        Assert.Equal(("ended", "2026-09"), (exited["benefit"]!["status"]!.GetValue<string>(), exited["benefit"]!["until"]!.GetValue<string>()));
        await PayMonthAsync(host, Jilin, "2026-09"); // paid through the month of the exit
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, 10) });
        await Api.ExpectProblem(await (await host.LoginAsync("22-finance-officer")).PostAsync("/api/payroll-runs",
            new { regionCode = Jilin.County, period = "2026-10" }), HttpStatusCode.Conflict); // nothing left to pay
        Assert.Equal(Enumerable.Range(3, 7).Select(m => ($"2026-{m:00}", 1010.01m)), await PaymentsOfAsync(host, created));
    }

    [Fact]
    public async Task Ningxia_gives_a_household_whose_income_rose_a_gradual_exit_of_six_more_months()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        // The region reviews every two months (a parameter Ningxia may publish; new cases follow it).
        var definition = (JsonObject)(await admin.GetOk("/api/definitions/dibao?region=64"));
        definition.Remove("version");
        definition.Remove("publishedAt");
        definition["parameters"]!["reviewMonthsStable"] = 2;
        await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=64", definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/dibao/publish?region=64");

        var caseworker = await host.LoginAsync("64-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Ningxia), HttpStatusCode.Created);
        await CompleteAsync(host, Ningxia, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        await PassNoticeAsync(admin, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        await CompleteAsync(host, Ningxia, "township-approver", "approval", new { outcome = "approve" });      // from March
        await PayMonthAsync(host, Ningxia, "2026-03");
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, 4) });
        await PayMonthAsync(host, Ningxia, "2026-04");
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, 5) }); // two months on: the review
        var review = await CompleteAsync(host, Ningxia, "township-officer", "periodic-review", new { outcome = "gradual-exit" });
        // 003 §四, 000 §二: six more months after May, so paid through November.
        Assert.Equal(("active", "2026-11"), (review["benefit"]!["status"]!.GetValue<string>(), review["benefit"]!["until"]!.GetValue<string>()));

        for (var month = 5; month <= 11; month++)
        {
            await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, month) });
            await PayMonthAsync(host, Ningxia, $"2026-{month:00}");
        }
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(2026, 12) });
        var view = await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("closed", view["status"]!.GetValue<string>());
        Assert.Equal(("ended", "2026-11"), (view["benefit"]!["status"]!.GetValue<string>(), view["benefit"]!["until"]!.GetValue<string>()));
        await Api.ExpectProblem(await (await host.LoginAsync("64-finance-officer")).PostAsync("/api/payroll-runs",
            new { regionCode = Ningxia.County, period = "2026-12" }), HttpStatusCode.Conflict); // nothing left to pay
        Assert.Equal(Enumerable.Range(3, 9).Select(m => ($"2026-{m:00}", 800.01m)), await PaymentsOfAsync(host, created));
    }

    [Fact]
    public async Task Chongqing_suspends_exits_in_the_epidemic_and_once_lifted_gives_the_income_band_a_gradual_exit()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        // Chongqing reviews every two months (its parameter), so the review comes two months after the approval's month.
        async Task PublishAsync(Action<JsonObject> change)
        {
            var definition = (await admin.GetOk("/api/definitions/dibao?region=50")).AsObject();
            definition.Remove("version");
            definition.Remove("publishedAt");
            change(definition);
            await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=50", definition), HttpStatusCode.OK);
            await admin.PostOk("/api/definitions/dibao/publish?region=50");
        }
        async Task<JsonNode> ToReviewAsync(DateTimeOffset start)
        {
            await admin.PostOk("/api/test/clock", new { now = start });
            var created = await (await host.LoginAsync("50-village-caseworker")).PostOk("/api/cases", Application(Chongqing), HttpStatusCode.Created);
            await CompleteAsync(host, Chongqing, "village-caseworker", "home-visit", new { outcome = "confirm" });
            await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
            await PassNoticeAsync(admin, start.AddDays(18));
            await CompleteAsync(host, Chongqing, "county-approver", "approval", new { outcome = "approve" });
            var approvedIn = start.AddDays(18);
            await admin.PostOk("/api/test/clock", new { now = FirstOf(approvedIn.Year, approvedIn.Month).AddMonths(2) }); // the review
            return created;
        }
        await PublishAsync(d => d["parameters"]!["reviewMonthsStable"] = 2);

        // In the epidemic (001 §一(一)) no exit, gradual or not; death or fraud still ends the benefit.
        var suspended = await ToReviewAsync(new DateTimeOffset(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8)));
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var township = await host.LoginAsync("50-township-officer");
        var review = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["step"]!.GetValue<string>() == "periodic-review")!;
        Assert.Equal(["continue", "terminate"], review["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        var refused = await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{review["id"]}/complete",
            new { outcome = "gradual-exit", data = new { perCapitaIncome = 900 } }), HttpStatusCode.UnprocessableEntity, "outcome");
        Assert.Contains("continue / terminate", refused["errors"]!["outcome"]![0]!.GetValue<string>());
        await township.PostOk($"/api/tasks/{review["id"]}/complete", new { outcome = "continue" });

        // Chongqing lifts the suspension by publishing; the case above keeps its version, new cases follow.
        await PublishAsync(d => d["parameters"]!["exitsSuspended"] = false);
        var lifted = await ToReviewAsync(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.FromHours(8)));
        township = await host.LoginAsync("50-township-officer");
        var reviews = (await township.GetOk("/api/tasks"))["items"]!.AsArray();
        review = reviews.Single(t => t!["caseId"]!.GetValue<string>() == lifted["id"]!.GetValue<string>())!;
        Assert.Equal(["continue", "gradual-exit", "exit", "terminate"], review["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        // 000 §二: above the standard 700 and below 2 × 700 = 1400 — 1400 itself is outside the band.
        await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{review["id"]}/complete",
            new { outcome = "gradual-exit", data = new { perCapitaIncome = 1400 } }), HttpStatusCode.UnprocessableEntity, "data.perCapitaIncome");
        var exiting = await township.PostOk($"/api/tasks/{review["id"]}/complete", new { outcome = "gradual-exit", data = new { perCapitaIncome = 900 } });
        // Approved in May, reviewed in July: six more months, so paid through January.
        Assert.Equal(("active", "2027-01"), (exiting["benefit"]!["status"]!.GetValue<string>(), exiting["benefit"]!["until"]!.GetValue<string>()));
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal(2, (await admin.GetOk($"/api/cases/{suspended["id"]}"))["definition"]!["version"]!.GetValue<int>());
        Assert.Equal(3, exiting["definition"]!["version"]!.GetValue<int>());
    }
}
