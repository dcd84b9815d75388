using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Jilin 004 §一(三): "突出'脱贫渐退'…退出前必须全面评估退出后的返贫风险，防止'因退返贫'". A review that finds a
/// household no longer eligible opens the township's risk assessment; no risk: a gradual exit of
/// <c>gradualExitMonths</c> (6) more months; an assessment not made within its 10 working days keeps the household
/// covered by itself (the definition's <c>auto</c> outcome), since no exit may go ahead unassessed.</summary>
public sealed class JilinExitTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task An_exit_waits_for_the_risk_assessment_which_gives_a_gradual_exit_or_keeps_the_household_when_left_undone()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var cases = new List<JsonNode>();
        foreach (var _ in new[] { "gradual", "unassessed" })
        {
            var application = (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Jilin), System.Text.Json.JsonSerializerOptions.Web)!;
            application["data"]!["householdType"] = "unstable"; // reviewed every six months (004 §三(一))
            var created = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
            await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" }, created);
            await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } }, created);
            cases.Add(created);
        }
        await admin.PostOk("/api/test/clock", new { now = At(2026, 3, 3) });
        foreach (var created in cases)
            await CompleteAsync(host, Jilin, "township-approver", "approval", new { outcome = "approve" }, created); // from March
        var (gradual, unassessed) = (cases[0], cases[1]);

        await host.Anonymous().PostOk("/api/test/clock", new { now = At(2026, 9, 1) }); // six months on: both reviewed
        foreach (var created in cases)
        {
            var review = await CompleteAsync(host, Jilin, "township-officer", "periodic-review",
                new { outcome = "exit", comment = "家庭成员就业，人均收入超过标准" }, created);
            Assert.Equal(("risk-assessment", "active"), (review["step"]!.GetValue<string>(), review["benefit"]!["status"]!.GetValue<string>()));
        }
        var township = await host.LoginAsync("22-township-officer");
        var assessment = (await township.GetOk("/api/tasks"))["items"]!.AsArray()
            .First(t => t!["step"]!.GetValue<string>() == "risk-assessment")!;
        Assert.Equal(["keep", "gradual-exit", "exit"], assessment["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));

        // No risk found: six more months after September, so paid through March 2027.
        var exiting = await CompleteAsync(host, Jilin, "township-officer", "risk-assessment",
            new { outcome = "gradual-exit", comment = "务工收入稳定，经评估无返贫风险" }, gradual);
        Assert.Equal(("exit-wait", "active", "2027-03"), (exiting["step"]!.GetValue<string>(),
            exiting["benefit"]!["status"]!.GetValue<string>(), exiting["benefit"]!["until"]!.GetValue<string>()));

        // The other assessment is left: 10 working days from 1 September 2026 end on 15 September; the next morning the
        // household is still covered and waits for its next review.
        await host.Anonymous().PostOk("/api/test/clock", new { now = At(2026, 9, 16) });
        var reader = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var kept = await reader.GetOk($"/api/cases/{unassessed["id"]}");
        Assert.Equal(("review-wait", "active", "approved"), (kept["step"]!.GetValue<string>(), kept["benefit"]!["status"]!.GetValue<string>(),
            kept["status"]!.GetValue<string>()));
        var automatic = kept["history"]!.AsArray().Last(h => h!["step"]!.GetValue<string>() == "risk-assessment"
                                                              && h["action"]!.GetValue<string>() == "completed")!;
        Assert.Equal(("keep", "system"), (automatic["outcome"]!.GetValue<string>(), automatic["actor"]!.GetValue<string>()));

        await host.Anonymous().PostOk("/api/test/clock", new { now = At(2027, 4, 1) });
        reader = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword); // months on: a fresh token
        var ended = await reader.GetOk($"/api/cases/{gradual["id"]}");
        Assert.Equal(("closed", "ended", "2027-03"), (ended["status"]!.GetValue<string>(), ended["benefit"]!["status"]!.GetValue<string>(),
            ended["benefit"]!["until"]!.GetValue<string>()));
        Assert.Equal("active", (await reader.GetOk($"/api/cases/{unassessed["id"]}"))["benefit"]!["status"]!.GetValue<string>());
    }
}
