using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>参照“单人户” (API.md: <c>data.singlePerson</c>): a person with a severe disability in a low-income household
/// covered alone, each province with its own band — JL 2 × the standard with its 24-month asset cap and its cap at
/// household-based cover (004 §二(一)), NX 1.5 × (003 §一(一)). Standard: urban 700 (SetUpAsync).</summary>
public sealed class SinglePersonDibaoTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    /// <summary>Two people, urban: the applicant (grade-2 disability, 300 a month) and a spouse earning the rest of
    /// <paramref name="perCapita"/> × 2.</summary>
    private static object Application(Province p, decimal perCapita, decimal deposits = 0) => new
    {
        procedure = "dibao",
        regionCode = p.Village,
        applicant = new { name = "孙立", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233447" },
        household = new
        {
            members = new object[]
            {
                new { name = "孙立", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 300, age = 40, disabilityGrade = 2 },
                new { name = "周华", idNumber = IdNumbers.Next(), relation = "spouse", monthlyIncome = perCapita * 2 - 300, age = 41 },
            },
            assets = new { cash = 0, deposits, securities = 0, claims = 0 },
        },
        data = new { residence = "urban", singlePerson = true },
    };

    [Fact]
    public async Task Jilin_covers_the_applicant_alone_at_1_8_times_the_standard_capped_at_household_cover()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");

        // (300 + 2220) ÷ 2 = 1260 = 1.8 × 700: above the standard, below JL's 2 × 700 = 1400: a low-income household.
        // 700 × 100 % = 700, but not above household-based cover of the same person: (700 − 300) + 重残 20 % × 700 = 540.
        var created = await caseworker.PostOk("/api/cases", Application(Jilin, 1260), HttpStatusCode.Created);
        Assert.Equal("home-visit", created["step"]!.GetValue<string>());
        var assessment = created["data"]!["assessment"]!;
        Assert.Equal(1260m, assessment["perCapitaIncome"]!.GetValue<decimal>());
        Assert.Equal(1400m, assessment["ceiling"]!.GetValue<decimal>());
        Assert.Equal(540m, assessment["householdCover"]!.GetValue<decimal>());
        Assert.Equal(540m, assessment["monthlyAmount"]!.GetValue<decimal>());
        var arithmetic = assessment["arithmetic"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains("低收入区间：700 < 1260 < 700 × 2 = 1400：是", arithmetic);
        Assert.Contains("按户保障同类对象水平 = (700 − 300) + 分类施保 140 = 540", arithmetic);

        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) });
        var approved = await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" });
        Assert.Equal(540m, approved["decision"]!["monthlyAmount"]!.GetValue<decimal>());
        Assert.Equal(540m, approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>());

        // JL's asset cap: 24 × 700 = 16,800 per person; 40,000 of deposits ÷ 2 = 20,000 is above it.
        caseworker = await host.LoginAsync("22-village-caseworker");
        var wealthy = await caseworker.PostOk("/api/cases", Application(Jilin, 1260, deposits: 40_000), HttpStatusCode.Created);
        Assert.Equal("rejected", wealthy["status"]!.GetValue<string>());
        Assert.Contains("人均金融资产 40000 ÷ 2 = 20000 ≤ 24 × 700 = 16800：否", wealthy["decision"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ningxia_refuses_the_same_household_at_1_8_times_and_covers_it_at_1_4()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        var caseworker = await host.LoginAsync("64-village-caseworker");

        // 1260 is not below NX's 1.5 × 700 = 1050: not a low-income household (003 §一(一)).
        var refused = await caseworker.PostOk("/api/cases", Application(Ningxia, 1260), HttpStatusCode.Created);
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        var reason = refused["decision"]!["reason"]!.GetValue<string>();
        Assert.StartsWith("不符合参照单人户纳入低保的条件", reason);
        Assert.Contains("低收入区间：700 < 1260 < 700 × 1.5 = 1050：否", reason);
        Assert.Empty(refused["openTasks"]!.AsArray());

        // (300 + 1660) ÷ 2 = 980 = 1.4 × 700, inside 700–1050: covered alone at 700 × 100 % = 700 (no cap in NX).
        var covered = await caseworker.PostOk("/api/cases", Application(Ningxia, 980), HttpStatusCode.Created);
        Assert.Equal("home-visit", covered["step"]!.GetValue<string>());
        Assert.Equal(700m, covered["data"]!["assessment"]!["monthlyAmount"]!.GetValue<decimal>());
        Assert.Null(covered["data"]!["assessment"]!["householdCover"]);

        // Without the request, the same household is simply above the standard.
        var plain = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Application(Ningxia, 980)))!;
        plain["data"]!.AsObject().Remove("singlePerson");
        var household = await caseworker.PostOk("/api/cases", plain, HttpStatusCode.Created);
        Assert.Contains("不低于低保标准 700 元", household["decision"]!["reason"]!.GetValue<string>());

        plain["data"]!["singlePerson"] = "yes";
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", plain), HttpStatusCode.UnprocessableEntity, "data.singlePerson");
    }
}
