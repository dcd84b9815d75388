using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Ningxia's migrant-worker aid (seed 003 §二(一), §六(一)): affected before the end of June 2020; the uninsured
/// status verified with HR at the county; the county sets the amount and pays after a public notice.</summary>
public sealed class MigrantWorkerAidNingxiaTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal static object Application(string affectedOn) => new
    {
        procedure = "migrant-worker-aid",
        regionCode = Ningxia.Village,
        applicant = new { name = "马小军", idNumber = IdNumbers.Next("640104"), bankAccount = "6228480000000000000" },
        data = new
        {
            employer = new { name = "银川某餐饮公司", address = "银川市兴庆区", position = "厨师" },
            witnesses = new[] { new { name = "甲", phone = "13900000001" }, new { name = "乙", phone = "13900000002" } },
            monthsWithoutIncome = 3, unemploymentInsured = false, requestedAmount = 2000, affectedOn,
        },
    };

    [Fact]
    public async Task The_county_verifies_insurance_sets_the_amount_and_pays_after_the_notice()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        var caseworker = await host.LoginAsync("64-village-caseworker");
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application("2020-07-15")), HttpStatusCode.UnprocessableEntity, "data.affectedOn");

        var created = await caseworker.PostOk("/api/cases", Application("2020-05-10"), HttpStatusCode.Created);
        Assert.Equal("64", created["definition"]!["regionCode"]!.GetValue<string>());
        await CompleteAsync(host, Ningxia, "village-caseworker", "village-check", new { outcome = "confirm" });
        await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve" });
        await CompleteAsync(host, Ningxia, "county-officer", "insurance-check", new { outcome = "confirm" });
        var noticed = await CompleteAsync(host, Ningxia, "county-approver", "county-approval", new { outcome = "approve", data = new { amount = 1500 } });
        Assert.Equal("notice", noticed["step"]!.GetValue<string>());
        var notice = Assert.Single((await host.Anonymous().GetOk("/api/public/notices?regionCode=64")).AsArray())!;
        Assert.Equal("马*军", notice["name"]!.GetValue<string>());
        Assert.Equal(1500m, notice["amount"]!.GetValue<decimal>());
        Assert.Empty(noticed["payments"]!.AsArray());

        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) });
        var paid = await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("approved", paid["status"]!.GetValue<string>());
        Assert.Equal(1500m, paid["payments"]![0]!["amount"]!.GetValue<decimal>());
    }
}
