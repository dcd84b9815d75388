using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>A definition calls a policy rule by name; the case records the rule's answer and arithmetic, and the
/// payment's basis reaches back to them. Changing the province's parameter and publishing changes new cases only.</summary>
public sealed class PolicyRuleStepTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    private static JsonObject Definition(int seriousIllnessPercent) => JsonNode.Parse($$"""
    {
      "key": "dibao", "regionCode": "22", "name": "最低生活保障（测试）",
      "parameters": { "addOnSeriousIllnessPercent": {{seriousIllnessPercent}}, "addOnMinorPercent": 10 },
      "start": "assess",
      "steps": [
        { "id": "assess", "kind": "action", "name": "家庭经济状况核对", "action": "apply-rule", "rule": "dibao-subsidy", "output": "assessment", "next": "eligible" },
        { "id": "eligible", "kind": "decision", "name": "是否符合条件",
          "branches": [ { "when": "data.assessment.eligible", "to": "review" }, { "to": "refused" } ] },
        { "id": "review", "kind": "task", "name": "乡镇审核", "role": "township-officer", "level": "township",
          "outcomes": [ { "name": "approve", "to": "pay" }, { "name": "reject", "to": "refused", "requiresComment": true } ] },
        { "id": "pay", "kind": "payment", "name": "发放首月保障金", "amount": "data.assessment.monthlyAmount", "next": "approved" },
        { "id": "approved", "kind": "end", "name": "批准", "status": "approved" },
        { "id": "refused", "kind": "end", "name": "不予保障", "status": "rejected" }
      ]
    }
    """)!.AsObject();

    private static object Application() => new
    {
        procedure = "dibao",
        regionCode = Seed.Village,
        applicant = new { name = "张三", idNumber = IdNumbers.Next() },
        household = new
        {
            members = new object[]
            {
                new { name = "张三", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 1200, employmentCost = 200, age = 45 },
                new { name = "李梅", idNumber = IdNumbers.Next(), relation = "spouse", monthlyIncome = 300, age = 43, seriousIllness = true },
                new { name = "张小", idNumber = IdNumbers.Next(), relation = "child", monthlyIncome = 0, age = 12 },
            },
        },
        data = new { residence = "urban" },
    };

    private static async Task PublishAsync(Api admin, JsonObject definition)
    {
        var saved = await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=22", definition), HttpStatusCode.OK);
        Assert.True(saved["valid"]!.GetValue<bool>(), saved.ToJsonString());
        await admin.PostOk("/api/definitions/dibao/publish?region=22");
    }

    [Fact]
    public async Task The_subsidy_is_computed_by_the_rule_explained_and_paid()
    {
        var (host, admin, _) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync($"/api/admin/regions/{Seed.County}/standards",
            new { urbanMonthly = 700, ruralMonthly = 500, effectiveFrom = "2026-01-01" }), HttpStatusCode.OK);
        await PublishAsync(admin, Definition(seriousIllnessPercent: 20));
        var caseworker = await host.LoginAsync(Seed.Caseworker);

        // (1200 − 200 + 300 + 0) ÷ 3 = 433.33; (700 − 433.33) × 3 = 800.01; + 20% × 700 (illness) + 10% × 700 (minor) = 1010.01
        var created = await caseworker.PostOk("/api/cases", Application(), HttpStatusCode.Created);
        var assessment = created["data"]!["assessment"]!;
        Assert.Equal(433.33m, assessment["perCapitaIncome"]!.GetValue<decimal>());
        Assert.Equal(1010.01m, assessment["monthlyAmount"]!.GetValue<decimal>());
        Assert.Contains(assessment["arithmetic"]!.AsArray(), l => l!.GetValue<string>() == "补差 = (700 − 433.33) × 3 人 = 800.01");
        Assert.Equal("2026-01-01", assessment["standardFrom"]!.GetValue<string>());

        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var review = (await township.GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();
        var approved = await township.PostOk($"/api/tasks/{review}/complete", new { outcome = "approve" });
        var payment = approved["payments"]![0]!;
        Assert.Equal(1010.01m, payment["amount"]!.GetValue<decimal>());
        Assert.Equal(1010.01m, payment["basis"]!["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());

        // Jilin lowers the illness add-on to 10%: new cases only. 800.01 + 70 + 70 = 940.01
        await PublishAsync(admin, Definition(seriousIllnessPercent: 10));
        var later = await caseworker.PostOk("/api/cases", Application(), HttpStatusCode.Created);
        Assert.Equal(940.01m, later["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());
        Assert.Equal(1010.01m, (await caseworker.GetOk($"/api/cases/{created["id"]}"))["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Without_a_standard_for_the_region_the_application_is_refused_naming_the_region()
    {
        var (host, admin, _) = await StartSeededAsync();
        await PublishAsync(admin, Definition(seriousIllnessPercent: 20));
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application()), HttpStatusCode.UnprocessableEntity, "regionCode");
        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_public_notice_lists_the_case_masked_for_its_period_then_the_case_moves_on()
    {
        var (host, admin, _) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync($"/api/admin/regions/{Seed.County}/standards",
            new { urbanMonthly = 700, ruralMonthly = 500, effectiveFrom = "2026-01-01" }), HttpStatusCode.OK);
        var definition = Definition(seriousIllnessPercent: 20);
        var steps = definition["steps"]!.AsArray();
        steps.Single(s => s!["id"]!.GetValue<string>() == "review")!["outcomes"]![0]!["to"] = "notice";
        steps.Add(JsonNode.Parse("""
            { "id": "notice", "kind": "notice", "name": "张榜公示", "workingDays": 7, "amount": "data.assessment.monthlyAmount", "next": "pay" }
            """));
        await PublishAsync(admin, definition);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Application(), HttpStatusCode.Created);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var review = (await township.GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();
        await township.PostOk($"/api/tasks/{review}/complete", new { outcome = "approve" });

        var notices = (await host.Anonymous().GetOk("/api/public/notices?regionCode=22")).AsArray();
        var notice = Assert.Single(notices)!;
        Assert.Equal("张*", notice["name"]!.GetValue<string>());
        Assert.Matches(@"^\d{6}\*{8}\d{3}[\dX]$", notice["idNumber"]!.GetValue<string>());
        Assert.Equal(1010.01m, notice["amount"]!.GetValue<decimal>());
        // 7 working days from Friday 13 February 2026: 14, 24, 25, 26, 27, 28 February and 2 March.
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.FromHours(8)), notice["until"]!.GetValue<DateTimeOffset>());
        Assert.Empty((await host.Anonymous().GetOk("/api/public/notices?regionCode=50")).AsArray());
        Assert.Equal("open", (await caseworker.GetOk($"/api/cases/{created["id"]}"))["status"]!.GetValue<string>());

        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Empty((await host.Anonymous().GetOk("/api/public/notices?regionCode=22")).AsArray());
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var after = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("approved", after["status"]!.GetValue<string>());
        Assert.Equal(1010.01m, after["payments"]![0]!["amount"]!.GetValue<decimal>());
    }
}
