using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>撤回 (API.md, Other case actions): the applicant withdraws before a final decision; its tasks, timers and
/// notice end with it, the reason is recorded, and nobody outside intake or the region can do it.</summary>
public sealed class WithdrawalTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_dibao_withdrawn_mid_review_leaves_no_task_no_timer_and_no_notice()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        var township = await host.LoginAsync("22-township-officer");
        Assert.Single((await township.GetOk("/api/tasks"))["items"]!.AsArray());

        // Bad input first: nothing is written.
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/cases/{created["id"]}/withdraw", new { reason = "  " }),
            HttpStatusCode.UnprocessableEntity, "reason");
        var finance = await host.LoginAsync("22-finance-officer");
        await Api.ExpectProblem(await finance.PostAsync($"/api/cases/{created["id"]}/withdraw", new { reason = "本人要求" }), HttpStatusCode.Forbidden);
        await SetUpAsync(admin, Ningxia);
        var elsewhere = await host.LoginAsync("64-village-caseworker");
        await Api.ExpectProblem(await elsewhere.PostAsync($"/api/cases/{created["id"]}/withdraw", new { reason = "本人要求" }), HttpStatusCode.NotFound);
        Assert.Equal("open", (await caseworker.GetOk($"/api/cases/{created["id"]}"))["status"]!.GetValue<string>());

        var withdrawn = await caseworker.PostOk($"/api/cases/{created["id"]}/withdraw", new { reason = "申请人外出务工，收入已够生活" });
        Assert.Equal("withdrawn", withdrawn["status"]!.GetValue<string>());
        Assert.Empty(withdrawn["openTasks"]!.AsArray());
        Assert.Null(withdrawn["decision"]); // withdrawn, not decided: the reason is the history's
        var entry = withdrawn["history"]!.AsArray().Single(h => h!["action"]!.GetValue<string>() == "withdrawn")!;
        Assert.Equal(("township-review", "22-village-caseworker", "申请人外出务工，收入已够生活"),
            (entry["step"]!.GetValue<string>(), entry["actor"]!.GetValue<string>(), entry["comment"]!.GetValue<string>()));
        Assert.Empty((await township.GetOk("/api/tasks"))["items"]!.AsArray());

        // The review's deadline timer was cancelled with it: past its deadline nothing fires, nothing escalates.
        var fired = await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Equal(0, fired["timersFired"]!.GetValue<int>());
        Assert.Empty((await (await host.LoginAsync("22-county-officer")).GetOk("/api/tasks"))["items"]!.AsArray());

        caseworker = await host.LoginAsync("22-village-caseworker");
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/cases/{created["id"]}/withdraw", new { reason = "再次撤回" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_case_withdrawn_during_its_notice_comes_off_the_public_board()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" });
        var noticed = await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } });
        Assert.Equal("notice", noticed["step"]!.GetValue<string>());
        var board = $"/api/public/notices?regionCode={Jilin.Township}";
        Assert.Single((await host.Anonymous().GetOk(board)).AsArray());

        await caseworker.PostOk($"/api/cases/{created["id"]}/withdraw", new { reason = "申请人撤回" });
        Assert.Empty((await host.Anonymous().GetOk(board)).AsArray());
        // The notice's own timer is cancelled: when the notice period would have ended, no approval task appears.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Empty((await (await host.LoginAsync("22-township-approver")).GetOk("/api/tasks"))["items"]!.AsArray());
        caseworker = await host.LoginAsync("22-village-caseworker"); // the clock moved past the old token's lifetime
        Assert.Equal("withdrawn", (await caseworker.GetOk($"/api/cases/{created["id"]}"))["status"]!.GetValue<string>());
    }
}
