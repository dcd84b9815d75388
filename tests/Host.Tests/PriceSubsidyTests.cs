using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>价格临时补贴 (000 §一: 低保, 特困, orphans and de-facto unsupported children; districts may pay above the city
/// rate): the city 5001 starts March 2026 at 40 yuan a person, its district 500155 pays 55; the covered are the
/// categories it names. Each person is paid once, in the county's own subsidy run, never in the regular one.</summary>
public sealed class PriceSubsidyTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static object Orphan(string name, string idNumber, string childType) => new
    {
        procedure = "orphan-support", regionCode = Chongqing.Village,
        applicant = new { name, idNumber, bankAccount = "6222020200112233445" },
        data = new { childType, documents = true },
    };

    [Fact]
    public async Task A_city_subsidy_pays_each_covered_person_once_at_the_district_rate_in_a_run_of_its_own()
    {
        var (host, admin, database) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        await admin.PostOk("/api/admin/users", new
        {
            username = "50-city-officer", password = Seed.Password, displayName = "市民政局", roles = new[] { "county-officer" }, regionCode = "5001",
        }, HttpStatusCode.Created);
        var caseworker = await host.LoginAsync("50-village-caseworker");
        // Two orphans and an unsupported child; the second orphan is also listed in the 低保 household below.
        var listedTwice = IdNumbers.Make("500155", new DateOnly(2015, 6, 1), 31);
        var children = new List<JsonNode>();
        foreach (var (name, id, type) in new[]
                 {
                     ("王小明", IdNumbers.Make("500155", new DateOnly(2014, 5, 1), 32), "orphan"), ("张小", listedTwice, "orphan"),
                     ("赵小红", IdNumbers.Make("500155", new DateOnly(2013, 7, 1), 33), "unsupported"),
                 })
            children.Add(await caseworker.PostOk("/api/cases", Orphan(name, id, type), HttpStatusCode.Created));
        foreach (var child in children)
        {
            await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" }, child);
            await CompleteAsync(host, Chongqing, "county-approver", "county-approval", new { outcome = "approve" }, child);
        }
        var application = (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Chongqing), System.Text.Json.JsonSerializerOptions.Web)!;
        application["household"]!["members"]![2]!["idNumber"] = listedTwice;
        var household = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
        await CompleteAsync(host, Chongqing, "village-caseworker", "home-visit", new { outcome = "confirm" });
        await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) }); // the notice has run
        await CompleteAsync(host, Chongqing, "county-approver", "approval", new { outcome = "approve" }); // from March

        var city = await host.LoginAsync("50-city-officer");
        object Start(decimal amount, object[]? rates = null, string[]? categories = null, string region = "5001") => new
        {
            regionCode = region, period = "2026-03", amountPerPerson = amount, categories = categories ?? ["dibao", "orphan"],
            rates = rates ?? [new { regionCode = Chongqing.County, amountPerPerson = 55 }],
        };
        await Api.ExpectProblem(await city.PostAsync("/api/price-subsidies", Start(-5)), HttpStatusCode.UnprocessableEntity, "amountPerPerson");
        await Api.ExpectProblem(await city.PostAsync("/api/price-subsidies", Start(40, categories: ["elderly"])),
            HttpStatusCode.UnprocessableEntity, "categories[0]");
        await Api.ExpectProblem(await city.PostAsync("/api/price-subsidies", Start(40, [new { regionCode = Chongqing.County, amountPerPerson = 30 }])),
            HttpStatusCode.UnprocessableEntity, "rates[0].amountPerPerson"); // a district may pay more, not less
        await Api.ExpectProblem(await (await host.LoginAsync("50-county-officer")).PostAsync("/api/price-subsidies", Start(40)),
            HttpStatusCode.Forbidden); // the city's, not the district's to start
        Assert.Equal(0, (await city.GetOk("/api/price-subsidies"))["total"]!.GetValue<int>()); // nothing written

        var subsidy = await city.PostOk("/api/price-subsidies", Start(40), HttpStatusCode.Created);
        // Persons at 55 (the district's rate): 王小明 and 张小 alone, the household's 张三丰 and 李梅 (张小 is paid once, in
        // the first case that lists them); 赵小红 is an unsupported child, a category the city did not name.
        Assert.Equal((3, 4, 220m), (subsidy["cases"]!.GetValue<int>(), subsidy["persons"]!.GetValue<int>(), subsidy["total"]!.GetValue<decimal>()));
        var byCounty = Assert.Single(subsidy["byCounty"]!.AsArray())!;
        Assert.Equal((Chongqing.County, 3, 4, 220m), (byCounty["regionCode"]!.GetValue<string>(), byCounty["cases"]!.GetValue<int>(),
            byCounty["persons"]!.GetValue<int>(), byCounty["total"]!.GetValue<decimal>()));
        await Api.ExpectProblem(await city.PostAsync("/api/price-subsidies", Start(40)), HttpStatusCode.Conflict); // a month is subsidised once
        await Api.ExpectProblem(await (await host.LoginAsync("50-county-officer")).PostAsync("/api/price-subsidies",
            Start(60, rates: [], region: Chongqing.County)), HttpStatusCode.Conflict); // … by the city or its district

        // Once per person per month is the database's rule too, not only the code's.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(database,
            "INSERT INTO price_subsidy_shares (subsidy_id, period, person, case_id, amount_fen) " +
            "SELECT subsidy_id, period, person, case_id, amount_fen FROM price_subsidy_shares LIMIT 1"));

        var reader = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var share = (await reader.GetOk($"/api/cases/{household["id"]}"))["payments"]!.AsArray()
            .Single(p => p!["basis"]?["priceSubsidyId"]?.GetValue<string>() == subsidy["id"]!.GetValue<string>())!;
        Assert.Equal((110m, 2, 55m), (share["amount"]!.GetValue<decimal>(), share["basis"]!["persons"]!.GetValue<int>(),
            share["basis"]!["amountPerPerson"]!.GetValue<decimal>()));
        Assert.DoesNotContain((await reader.GetOk($"/api/cases/{children[2]["id"]}"))["payments"]!.AsArray(),
            p => p!["basis"]?["priceSubsidyId"] is not null);

        // March's regular run pays the benefits, not the subsidy; the subsidy's own run pays the subsidy, once.
        var regular = await PayMonthAsync(host, Chongqing, "2026-03");
        Assert.DoesNotContain("price-subsidy", regular["byProcedure"]!.AsArray().Select(p => p!["procedure"]!.GetValue<string>()));
        var finance = await host.LoginAsync("50-finance-officer");
        var run = await finance.PostOk("/api/payroll-runs", new { regionCode = Chongqing.County, priceSubsidyId = subsidy["id"] },
            HttpStatusCode.Created);
        Assert.Equal(("2026-03", 3, 220m, subsidy["id"]!.GetValue<string>()), (run["period"]!.GetValue<string>(), run["count"]!.GetValue<int>(),
            run["total"]!.GetValue<decimal>(), run["priceSubsidyId"]!.GetValue<string>()));
        Assert.Equal(["price-subsidy"], run["byProcedure"]!.AsArray().Select(p => p!["procedure"]!.GetValue<string>()));
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Chongqing.County, priceSubsidyId = subsidy["id"] }),
            HttpStatusCode.Conflict);
        // The bank's memo (摘要) names the subsidy and its month.
        await (await host.LoginAsync("50-county-approver")).PostOk($"/api/payroll-runs/{run["id"]}/approve");
        var file = await (await finance.GetAsync($"/api/payroll-runs/{run["id"]}/bank-file?format=csv")).Content.ReadAsStringAsync();
        Assert.All(file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), line => Assert.EndsWith("价格临时补贴2026-03", line.TrimEnd('\r')));
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs",
            new { regionCode = Chongqing.County, period = "2026-04", priceSubsidyId = subsidy["id"] }), HttpStatusCode.UnprocessableEntity, "period");
    }
}
