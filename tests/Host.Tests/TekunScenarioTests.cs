using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>特困供养 in Jilin (seed 004 §二(三), §三(三)): minors to 18, not alongside the orphan programme; dispersed care
/// with a tripartite agreement and regular visits.</summary>
public sealed class TekunScenarioTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    internal static object Application(int age, bool inOrphanProgramme = false, string careMode = "dispersed") => new
    {
        procedure = "tekun",
        regionCode = Jilin.Village,
        applicant = new { name = "孙老汉", idNumber = IdNumbers.Next() },
        data = new { age, noSupporter = true, noIncome = true, noWorkCapacity = age >= 18, careMode, inOrphanProgramme, residence = "rural" },
    };

    [Fact]
    public async Task A_minor_in_the_orphan_programme_is_not_also_destitute_but_a_17_year_old_otherwise_is()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Application(17, inOrphanProgramme: true)),
            HttpStatusCode.UnprocessableEntity, "data.inOrphanProgramme");
        // 17: a minor under the extended age of 18 (was 16), so no work-capacity test applies.
        await caseworker.PostOk("/api/cases", Application(17), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Dispersed_care_needs_the_agreement_then_is_paid_and_visited_regularly_until_exit()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var created = await (await host.LoginAsync("22-village-caseworker")).PostOk("/api/cases", Application(72), HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve" });
        await CompleteAsync(host, Jilin, "county-approver", "county-approval", new { outcome = "approve" });
        var township = await host.LoginAsync("22-township-officer");
        var agreement = (await township.GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();
        await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{agreement}/complete", new { outcome = "signed" }),
            HttpStatusCode.UnprocessableEntity, "data.caregiver");
        var paid = await township.PostOk($"/api/tasks/{agreement}/complete", new { outcome = "signed", data = new { caregiver = "邻居王大姐" } });
        Assert.Equal(650m, paid["benefit"]!["monthlyAmount"]!.GetValue<decimal>()); // 1.3 × rural standard 500, every month
        Assert.Equal("next-visit", paid["step"]!.GetValue<string>());

        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 6, 30, 9, 0, 0, TimeSpan.FromHours(8)) });
        var visited = await CompleteAsync(host, Jilin, "village-caseworker", "visit", new { outcome = "continue" });
        Assert.Equal("next-visit", visited["step"]!.GetValue<string>());
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8)) });
        var closed = await CompleteAsync(host, Jilin, "village-caseworker", "visit", new { outcome = "exit", comment = "本人已由子女接回赡养" });
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        Assert.Equal(("ended", "2026-11", "本人已由子女接回赡养"), (closed["benefit"]!["status"]!.GetValue<string>(),
            closed["benefit"]!["until"]!.GetValue<string>(), closed["benefit"]!["reason"]!.GetValue<string>()));
        Assert.Equal(2, closed["history"]!.AsArray().Count(h => h!["action"]!.GetValue<string>() == "completed" && h["step"]!.GetValue<string>() == "visit"));
    }
}
