using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>公示异议 (API.md, Other case actions): anyone reading the notice board may object, without an account; the
/// township verifies within its own deadline; a notice with an open objection does not conclude; upheld sends the case
/// back to the home visit (as the shipped dibao says), dismissed lets the notice go on.</summary>
public sealed class ObjectionTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static readonly DateTimeOffset AfterTheNotice = new(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    private static async Task<(JsonNode Case, JsonNode Notice)> CaseOnNoticeAsync(ServiceHost host)
    {
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        await CompleteAsync(host, Jilin, "village-caseworker", "home-visit", new { outcome = "confirm" }, created);
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } }, created);
        var board = (await host.Anonymous().GetOk($"/api/public/notices?regionCode={Jilin.Township}")).AsArray();
        return (created, board.Last()!);
    }

    private static async Task<JsonNode> ObjectionTaskAsync(ServiceHost host, JsonNode ofCase) =>
        (await (await host.LoginAsync("22-township-officer")).GetOk("/api/tasks"))["items"]!.AsArray()
        .Single(t => t!["caseId"]!.GetValue<string>() == ofCase["id"]!.GetValue<string>() && t["step"]!.GetValue<string>() == "notice")!;

    [Fact]
    public async Task A_dismissed_objection_holds_the_notice_past_its_period_and_then_lets_it_conclude()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var (created, notice) = await CaseOnNoticeAsync(host);
        Assert.Equal(0, notice["openObjections"]!.GetValue<int>());
        Assert.Equal("张*丰", notice["name"]!.GetValue<string>());
        var anonymous = host.Anonymous();
        var objections = $"/api/public/notices/{notice["id"]}/objections";

        await Api.ExpectProblem(await anonymous.PostAsync(objections, new { reason = " " }), HttpStatusCode.UnprocessableEntity, "reason");
        await Api.ExpectProblem(await anonymous.PostAsync($"/api/public/notices/{Guid.NewGuid()}/objections", new { reason = "不实" }),
            HttpStatusCode.NotFound);
        var received = await anonymous.PostOk(objections, new { reason = "其子在外地务工，月收入约四千元，未申报", contact = "13900001111" },
            HttpStatusCode.Created);
        var board = (await anonymous.GetOk($"/api/public/notices?regionCode={Jilin.Township}")).AsArray();
        Assert.Equal(1, board.Single()!["openObjections"]!.GetValue<int>());

        // The township's verification task, with its own deadline; the reason is in the case history, by "public".
        var task = await ObjectionTaskAsync(host, created);
        Assert.Equal(received["id"]!.GetValue<string>(), task["id"]!.GetValue<string>());
        Assert.StartsWith("核实公示异议", task["name"]!.GetValue<string>());
        Assert.NotNull(task["dueAt"]);
        var history = (await admin.GetOk($"/api/cases/{created["id"]}"))["history"]!.AsArray();
        var entry = history.Single(h => h!["action"]!.GetValue<string>() == "objection-received")!;
        Assert.Equal(("public", "其子在外地务工，月收入约四千元，未申报"), (entry["actor"]!.GetValue<string>(), entry["comment"]!.GetValue<string>()));
        // The contact is for the verifying township, not for everyone who may read the case.
        Assert.Equal("139****1111", entry["details"]!["contact"]!.GetValue<string>()); // the system admin's view
        var verifier = (await (await host.LoginAsync("22-township-officer")).GetOk($"/api/cases/{created["id"]}"))["history"]!.AsArray()
            .Single(h => h!["action"]!.GetValue<string>() == "objection-received")!;
        Assert.Equal("13900001111", verifier["details"]!["contact"]!.GetValue<string>());

        // Its period over, the notice does not conclude while the objection is open: no approval task.
        await admin.PostOk("/api/test/clock", new { now = AfterTheNotice });
        var approver = await host.LoginAsync("22-township-approver");
        Assert.Empty((await approver.GetOk("/api/tasks"))["items"]!.AsArray());
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal("notice", (await admin.GetOk($"/api/cases/{created["id"]}"))["step"]!.GetValue<string>());
        await Api.ExpectProblem(await anonymous.PostAsync(objections, new { reason = "又一条" }), HttpStatusCode.Conflict);

        // Its own 5 working days ran out too: the verification went up to the county (escalate), which dismisses it.
        var county = await host.LoginAsync("22-county-officer");
        var escalated = (await county.GetOk("/api/tasks"))["items"]!.AsArray().Single()!;
        Assert.Equal((task["id"]!.GetValue<string>(), true), (escalated["id"]!.GetValue<string>(), escalated["escalated"]!.GetValue<bool>()));
        await Api.ExpectProblem(await county.PostAsync($"/api/tasks/{task["id"]}/complete", new { outcome = "dismissed" }),
            HttpStatusCode.UnprocessableEntity, "comment");
        var dismissed = await county.PostOk($"/api/tasks/{task["id"]}/complete",
            new { outcome = "dismissed", comment = "经核实其子已单独立户，收入不计入本户" });
        Assert.Equal("approval", dismissed["step"]!.GetValue<string>());
        Assert.Single((await approver.GetOk("/api/tasks"))["items"]!.AsArray());
        var actions = dismissed["history"]!.AsArray().Select(h => h!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("notice-held", actions);
        Assert.Contains("notice-concluded", actions);
    }

    [Fact]
    public async Task An_upheld_objection_takes_the_notice_down_and_sends_the_case_back_to_the_home_visit()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var (created, notice) = await CaseOnNoticeAsync(host);
        var anonymous = host.Anonymous();
        await anonymous.PostOk($"/api/public/notices/{notice["id"]}/objections", new { reason = "家中有营运货车一辆" }, HttpStatusCode.Created);
        await anonymous.PostOk($"/api/public/notices/{notice["id"]}/objections", new { reason = "同上" }, HttpStatusCode.Created);
        var township = await host.LoginAsync("22-township-officer");
        var tasks = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Where(t => t!["step"]!.GetValue<string>() == "notice").ToList();
        Assert.Equal(2, tasks.Count);

        var upheld = await township.PostOk($"/api/tasks/{tasks[0]!["id"]}/complete", new { outcome = "upheld", comment = "核实有货车一辆，须重新调查" });
        Assert.Equal("home-visit", upheld["step"]!.GetValue<string>());
        Assert.Empty((await anonymous.GetOk($"/api/public/notices?regionCode={Jilin.Township}")).AsArray());
        // The second objection is moot with the notice gone.
        Assert.DoesNotContain((await township.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["step"]!.GetValue<string>() == "notice");
        Assert.Single((await (await host.LoginAsync("22-village-caseworker")).GetOk("/api/tasks"))["items"]!.AsArray());
        // And the notice's period ending later changes nothing.
        await admin.PostOk("/api/test/clock", new { now = AfterTheNotice });
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal("home-visit", (await admin.GetOk($"/api/cases/{created["id"]}"))["step"]!.GetValue<string>());
    }

    [Fact]
    public async Task Objections_from_one_address_are_limited()
    {
        var database = await NewDatabaseAsync();
        var host = StartOn(database, settings: new() { ["RateLimits:ObjectionsPerHour"] = "2" });
        var admin = await Seed.RunAsync(host);
        await SetUpAsync(admin, Jilin);
        var (_, notice) = await CaseOnNoticeAsync(host);
        var anonymous = host.Anonymous();
        for (var i = 0; i < 2; i++)
            await anonymous.PostOk($"/api/public/notices/{notice["id"]}/objections", new { reason = $"异议 {i}" }, HttpStatusCode.Created);
        var refused = await anonymous.PostAsync($"/api/public/notices/{notice["id"]}/objections", new { reason = "异议 2" });
        await Api.ExpectProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(refused.Headers.RetryAfter!.ToString()), 60, 3600);
        Assert.Equal(2, (await anonymous.GetOk($"/api/public/notices?regionCode={Jilin.Township}")).AsArray().Single()!["openObjections"]!.GetValue<int>());
    }
}
