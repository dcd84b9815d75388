using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>
/// Chongqing's one-off aid for uninsured unemployed migrant workers (000 §一(二)): paid where the person habitually
/// lives, never to someone already in dibao; the amount is each district's own standard, raised case by case
/// (一事一议) for a major hardship.
/// </summary>
public sealed class MigrantWorkerAidChongqingTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private async Task<(ServiceHost Host, Api Admin)> StartAsync()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        await admin.PostOk("/api/admin/users", new
        {
            username = "50-committee", password = Seed.Password, displayName = "梁平区协调机制", roles = new[] { "committee-member" },
            regionCode = Chongqing.County,
        }, HttpStatusCode.Created);
        return (host, admin);
    }

    internal static JsonObject Application(string idNumber, bool inDibao = false)
    {
        var application = JsonSerializer.SerializeToNode(Seed.MigrantWorkerApplication(idNumber, Chongqing.Village))!.AsObject();
        application["data"]!["inDibao"] = inDibao;
        application["data"]!["habitualResidence"] = true;
        application["data"]!.AsObject().Remove("requestedAmount");
        return application;
    }

    private static async Task<JsonNode> ToDistrictAsync(ServiceHost host, Api caseworker, string idNumber)
    {
        var created = await caseworker.PostOk("/api/cases", Application(idNumber), HttpStatusCode.Created);
        Assert.Equal("50", created["definition"]!["regionCode"]!.GetValue<string>());
        await CompleteAsync(host, Chongqing, "village-caseworker", "village-check", new { outcome = "confirm" });
        var reviewed = await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        Assert.Equal("district-amount", reviewed["step"]!.GetValue<string>());
        return created;
    }

    [Fact]
    public async Task The_district_pays_its_own_standard_once_per_person_in_Chongqing()
    {
        var (host, _) = await StartAsync();
        var caseworker = await host.LoginAsync("50-village-caseworker");
        var idNumber = IdNumbers.Next();
        await ToDistrictAsync(host, caseworker, idNumber);

        var county = await host.LoginAsync("50-county-officer");
        var task = (await county.GetOk("/api/tasks"))["items"]![0]!;
        Assert.Equal("county", task["level"]!.GetValue<string>());
        await Api.ExpectProblem(await county.PostAsync($"/api/tasks/{task["id"]}/complete", new { outcome = "approve" }),
            HttpStatusCode.UnprocessableEntity, "data.amount");
        var paid = await county.PostOk($"/api/tasks/{task["id"]}/complete", new { outcome = "approve", data = new { amount = 800 } });
        Assert.Equal("approved", paid["status"]!.GetValue<string>());
        Assert.Equal(800m, Assert.Single(paid["payments"]!.AsArray())!["amount"]!.GetValue<decimal>());

        // One per person in the whole municipality, and never for someone already in dibao.
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application(idNumber)), HttpStatusCode.Conflict);
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application(IdNumbers.Next(), inDibao: true)),
            HttpStatusCode.UnprocessableEntity, "data.inDibao");
    }

    [Fact]
    public async Task A_major_hardship_goes_to_the_district_mechanism_which_raises_the_amount_or_refuses_with_its_reason()
    {
        var (host, admin) = await StartAsync();
        var caseworker = await host.LoginAsync("50-village-caseworker");
        var raised = await ToDistrictAsync(host, caseworker, IdNumbers.Next());
        var escalated = await CompleteAsync(host, Chongqing, "county-officer", "district-amount",
            new { outcome = "case-by-case", comment = "家中两人重病，本区县标准不足以渡过难关" });
        Assert.Equal("case-by-case", escalated["step"]!.GetValue<string>());
        Assert.Empty(escalated["payments"]!.AsArray());

        var committee = await host.LoginAsync("50-committee");
        var meeting = (await committee.GetOk("/api/tasks"))["items"]![0]!;
        await committee.PostOk($"/api/tasks/{meeting["id"]}/complete", new
        {
            outcome = "approve", comment = "一事一议提高至 2500 元",
            data = new { amount = 2500, opinions = new[] { "民政局：同意", "财政局：同意" } },
        });
        var parent = await admin.GetOk($"/api/cases/{raised["id"]}");
        Assert.Equal("approved", parent["status"]!.GetValue<string>());
        Assert.Equal(2500m, Assert.Single(parent["payments"]!.AsArray())!["amount"]!.GetValue<decimal>());

        var declined = await ToDistrictAsync(host, await host.LoginAsync("50-village-caseworker"), IdNumbers.Next());
        await CompleteAsync(host, Chongqing, "county-officer", "district-amount", new { outcome = "case-by-case", comment = "申请提高额度" });
        meeting = (await committee.GetOk("/api/tasks"))["items"]![0]!;
        await committee.PostOk($"/api/tasks/{meeting["id"]}/complete",
            new { outcome = "reject", comment = "已获用人单位补助", data = new { opinions = new[] { "人社局：已补助" } } });
        var refused = await admin.GetOk($"/api/cases/{declined["id"]}");
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Equal("一事一议不同意：已获用人单位补助", refused["decision"]!["reason"]!.GetValue<string>());
        Assert.Empty(refused["payments"]!.AsArray());
    }

    [Fact]
    public async Task A_village_check_left_past_five_working_days_goes_up_to_the_township()
    {
        var (host, admin) = await StartAsync();
        var caseworker = await host.LoginAsync("50-village-caseworker");
        await caseworker.PostOk("/api/cases", Application(IdNumbers.Next()), HttpStatusCode.Created);
        // Friday 13 February 2026: 14 Feb (make-up workday), then the Spring Festival to 23 Feb; 24–27 Feb → due 27 Feb.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 28, 9, 0, 0, TimeSpan.FromHours(8)) });
        var township = await host.LoginAsync("50-township-officer");
        var task = Assert.Single((await township.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("village-check", task["step"]!.GetValue<string>());
        Assert.True(task["escalated"]!.GetValue<bool>());
    }
}
