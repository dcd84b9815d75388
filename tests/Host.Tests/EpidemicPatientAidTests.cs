using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Chongqing's epidemic patients (seed 001 §一(五)): twice the standard for every month begun, diagnosis to discharge.</summary>
public sealed class EpidemicPatientAidTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal static object Application(string recipientType, string discharged) => new
    {
        procedure = "epidemic-patient-aid", regionCode = Chongqing.Village,
        applicant = new { name = "陈患者", idNumber = IdNumbers.Next("500155") },
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
        var paid = await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        Assert.Equal(3000m, paid["payments"]![0]!["amount"]!.GetValue<decimal>());
    }
}
