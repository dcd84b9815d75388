using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Orphans and de-facto unsupported children in Chongqing's epidemic rules (seed 001 §一(四)): a personal
/// commitment first, documents later; approved at once, its monthly allowance paid from then on.</summary>
public sealed class OrphanSupportTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal static object Application(bool documents, bool? commitment) => new
    {
        procedure = "orphan-support",
        regionCode = Chongqing.Village,
        applicant = new { name = "刘小丫", idNumber = IdNumbers.Make("500155", new DateOnly(2015, 3, 2), 42) },
        data = new { childType = "unsupported", documents, commitment },
    };

    [Fact]
    public async Task A_commitment_gets_the_child_approved_and_paid_with_the_documents_to_follow()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        var caseworker = await host.LoginAsync("50-village-caseworker");
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application(documents: false, commitment: null)),
            HttpStatusCode.UnprocessableEntity, "data.commitment");

        await caseworker.PostOk("/api/cases", Application(documents: false, commitment: true), HttpStatusCode.Created);
        await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        var approved = await CompleteAsync(host, Chongqing, "county-approver", "county-approval", new { outcome = "approve" });
        // Granted 1200 a month, which the county's payroll runs pay from this month on.
        Assert.Equal((1200m, "2026-02", "active"), (approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>(),
            approved["benefit"]!["from"]!.GetValue<string>(), approved["benefit"]!["status"]!.GetValue<string>()));
        Assert.Equal(1200m, approved["decision"]!["monthlyAmount"]!.GetValue<decimal>());
        Assert.Equal("documents", approved["step"]!.GetValue<string>());
        Assert.Equal("approved", approved["status"]!.GetValue<string>()); // approved and paid now, documents later
        var done = await CompleteAsync(host, Chongqing, "township-officer", "documents", new { outcome = "complete" });
        Assert.Equal("approved", done["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_false_commitment_revokes_the_support_and_its_benefit_with_it()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        await (await host.LoginAsync("50-village-caseworker")).PostOk("/api/cases", Application(documents: false, commitment: true), HttpStatusCode.Created);
        await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" });
        await CompleteAsync(host, Chongqing, "county-approver", "county-approval", new { outcome = "approve" });
        var revoked = await CompleteAsync(host, Chongqing, "township-officer", "documents",
            new { outcome = "false-commitment", comment = "经核实监护人具备抚养能力" });
        Assert.Equal(("ended", "经核实监护人具备抚养能力"), (revoked["benefit"]!["status"]!.GetValue<string>(),
            revoked["benefit"]!["reason"]!.GetValue<string>()));
    }
}
