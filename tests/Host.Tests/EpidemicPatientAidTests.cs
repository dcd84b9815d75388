using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Chongqing's epidemic patients (seed 001 §一(五)): twice the standard for every month begun, diagnosis to
/// discharge, as a monthly benefit the county's runs pay, months already past as arrears.</summary>
public sealed class EpidemicPatientAidTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal static object Application(string recipientType, string discharged) => new
    {
        procedure = "epidemic-patient-aid", regionCode = Chongqing.Village,
        applicant = new { name = "陈患者", idNumber = IdNumbers.Next("500155"), bankAccount = "6217000011112222333" },
        data = new { recipientType, diagnosedOn = "2026-01-28", dischargedOn = discharged, residence = "rural" },
    };

    [Fact]
    public async Task A_dibao_recipient_in_hospital_from_January_to_March_gets_three_months_at_twice_the_standard()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        var caseworker = await host.LoginAsync("50-village-caseworker");
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application("migrant", "2026-03-03")),
            HttpStatusCode.UnprocessableEntity, "data.recipientType");
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application("dibao", "2026-01-01")),
            HttpStatusCode.UnprocessableEntity, "data.dischargedOn");

        // 28 January to 3 March: January, February and March, a part month counting whole; 2 × rural standard 500 × 3 = 3000.
        var created = await caseworker.PostOk("/api/cases", Application("dibao", "2026-03-03"), HttpStatusCode.Created);
        Assert.Equal(3, created["data"]!["patientAid"]!["months"]!.GetValue<int>());
        var approved = await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        // Approved in February: a benefit of 2 × 500 a month from January to March. January is past, so it is owed as
        // arrears (追发), one pending payment that February's run takes with February itself; March's run pays March.
        Assert.Equal((1000m, "2026-01", "2026-03"), (approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>(),
            approved["benefit"]!["from"]!.GetValue<string>(), approved["benefit"]!["until"]!.GetValue<string>()));
        var arrears = Assert.Single(approved["payments"]!.AsArray())!;
        Assert.Equal(("2026-01", 1000m, "pending"), (arrears["period"]!.GetValue<string>(), arrears["amount"]!.GetValue<decimal>(),
            arrears["status"]!.GetValue<string>()));
        var february = await PayMonthAsync(host, Chongqing, "2026-02");
        Assert.Equal((2, 2000m), (february["count"]!.GetValue<int>(), february["total"]!.GetValue<decimal>()));
        foreach (var month in new[] { 3, 4 })
            await host.Anonymous().PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, month, 1, 9, 0, 0, TimeSpan.FromHours(8)) });
        var march = await PayMonthAsync(host, Chongqing, "2026-03");
        Assert.Equal((1, 1000m), (march["count"]!.GetValue<int>(), march["total"]!.GetValue<decimal>()));
        // Discharged in March: April has nothing to pay.
        await Api.ExpectProblem(await (await host.LoginAsync("50-finance-officer")).PostAsync("/api/payroll-runs",
            new { regionCode = Chongqing.County, period = "2026-04" }), HttpStatusCode.Conflict);
        var view = await (await host.LoginAsync("50-township-officer")).GetOk($"/api/cases/{created["id"]}");
        Assert.Equal([("2026-01", 1000m), ("2026-02", 1000m), ("2026-03", 1000m)], view["payments"]!.AsArray()
            .Select(p => (p!["period"]!.GetValue<string>(), p["amount"]!.GetValue<decimal>())).OrderBy(p => p.Item1));
    }
}
