using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>先行救助 in Jilin (seed 004 §四(一), §四(二)): at most 1000 yuan paid at once by the township, paperwork
/// after; above that, the county's case-by-case decision (一事一议). Ningxia's township pays up to 1.5 × the urban
/// standard (003 §二(二)); elsewhere (the country default, e.g. Chongqing) the township pays at once unless its
/// province sets a limit.</summary>
public sealed class EmergencyAidTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private async Task<(ServiceHost Host, Api Admin, Api Responder)> StartAsync()
    {
        var (host, admin, _) = await StartSeededAsync();
        foreach (var (username, role, region) in new[] { ("responder", "emergency-responder", Seed.Township), ("committee", "committee-member", Seed.County) })
            await admin.PostOk("/api/admin/users", new { username, password = Seed.Password, displayName = username, roles = new[] { role }, regionCode = region },
                HttpStatusCode.Created);
        await Seed.AllocateReserveFundAsync(host, Seed.Township, 20000);
        return (host, admin, await host.LoginAsync("responder"));
    }

    private static object Aid(decimal amount, string? reason = "房屋失火，生活无着", string region = Seed.Village) => new
    {
        regionCode = region,
        applicant = new { name = "赵六", idNumber = IdNumbers.Next() },
        amount,
        reason,
    };

    [Fact]
    public async Task A_retry_after_the_service_stopped_before_keeping_the_response_is_refused_and_pays_nothing_twice()
    {
        var (host, admin, responder) = await StartAsync();
        var aid = Aid(800);
        await Api.Expect(await responder.PostAsync("/api/emergency-aid", aid, idempotencyKey: "fire-1"), HttpStatusCode.Created);

        // What a stop between the command's commit and keeping its response leaves: the key executed (in the
        // command's own transaction), no response, a reservation old enough to be taken over.
        var openDb = host.Services.GetRequiredService<Func<WorkflowDb>>();
        await using (var db = openDb())
        {
            var key = await db.IdempotencyKeys.SingleAsync(k => k.Key == "fire-1");
            Assert.True(key.Executed);
            key.Completed = false;
            key.StatusCode = 0;
            key.ResponseBody = null;
            key.CreatedAt = key.CreatedAt.AddMinutes(-10);
            await db.SaveChangesAsync();
        }

        await Api.ExpectProblem(await responder.PostAsync("/api/emergency-aid", aid, idempotencyKey: "fire-1"), HttpStatusCode.Conflict);
        var cases = await admin.GetOk("/api/cases?procedure=emergency-aid");
        Assert.Equal(1, cases["total"]!.GetValue<int>());
        await using (var db = openDb()) Assert.Equal(1, await db.Payments.CountAsync());
    }

    [Fact]
    public async Task Within_the_township_limit_it_is_approved_and_paid_at_once_with_paperwork_to_follow()
    {
        var (host, admin, responder) = await StartAsync();
        var created = await responder.PostOk("/api/emergency-aid", Aid(1000), HttpStatusCode.Created);
        Assert.Equal("approved", created["status"]!.GetValue<string>());
        var payment = Assert.Single(created["payments"]!.AsArray())!;
        Assert.Equal(1000m, payment["amount"]!.GetValue<decimal>());
        Assert.Equal("paid", payment["status"]!.GetValue<string>());
        var paperwork = Assert.Single(created["openTasks"]!.AsArray())!;
        Assert.Equal("documents", paperwork["step"]!.GetValue<string>());
        // 10 working days from Friday 13 February 2026, across the Spring Festival: 14, 24–28 February, 2–5 March.
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 0, 0, 0, Beijing), paperwork["dueAt"]!.GetValue<DateTimeOffset>());

        var township = await host.LoginAsync(Seed.TownshipOfficer);
        Assert.Equal("documents", (await township.GetOk("/api/tasks"))["items"]![0]!["step"]!.GetValue<string>());

        // Paperwork not done in time: the county is told.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 6, 8, 0, 0, Beijing) });
        var county = await host.LoginAsync(Seed.CountyOfficer);
        var escalated = Assert.Single((await county.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.True(escalated["escalated"]!.GetValue<bool>());
        var done = await county.PostOk($"/api/tasks/{escalated["id"]}/complete", new { outcome = "complete" });
        Assert.Equal("approved", done["status"]!.GetValue<string>());
        Assert.Equal("archived", done["step"]!.GetValue<string>());
    }

    [Fact]
    public async Task Above_the_township_limit_nothing_is_paid_until_the_county_mechanism_decides_case_by_case()
    {
        var (host, admin, responder) = await StartAsync();
        var created = await responder.PostOk("/api/emergency-aid", Aid(1000.01m), HttpStatusCode.Created);
        Assert.Equal("open", created["status"]!.GetValue<string>());
        Assert.Equal("case-by-case", created["step"]!.GetValue<string>());
        Assert.Empty(created["payments"]!.AsArray());
        Assert.Empty(created["openTasks"]!.AsArray()); // the work is in the child case (004 §五(一))

        var committee = await host.LoginAsync("committee");
        var meeting = Assert.Single((await committee.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("topic-meeting", meeting["step"]!.GetValue<string>());
        await Api.ExpectProblem(await committee.PostAsync($"/api/tasks/{meeting["id"]}/complete",
            new { outcome = "approve", comment = "同意", data = new { amount = 3000 } }), HttpStatusCode.UnprocessableEntity, "data.opinions");
        await committee.PostOk($"/api/tasks/{meeting["id"]}/complete", new
        {
            outcome = "approve", comment = "火灾致房屋全毁，一事一议给予 3000 元",
            data = new { amount = 3000, opinions = new[] { "民政局：同意", "财政局：同意", "应急局：同意" } },
        });

        var parent = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("approved", parent["status"]!.GetValue<string>());
        Assert.Equal(3000m, parent["data"]!["deliberation"]!["amount"]!.GetValue<decimal>());
        var payment = Assert.Single(parent["payments"]!.AsArray())!;
        Assert.Equal(3000m, payment["amount"]!.GetValue<decimal>());
        Assert.Equal("pending", payment["status"]!.GetValue<string>());
        Assert.Equal("documents", parent["openTasks"]![0]!["step"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_case_by_case_refusal_refuses_the_parent_with_the_mechanisms_reason()
    {
        var (host, admin, responder) = await StartAsync();
        var created = await responder.PostOk("/api/emergency-aid", Aid(5000), HttpStatusCode.Created);
        var committee = await host.LoginAsync("committee");
        var meeting = (await committee.GetOk("/api/tasks"))["items"]![0]!;
        await committee.PostOk($"/api/tasks/{meeting["id"]}/complete",
            new { outcome = "reject", comment = "已获保险理赔", data = new { opinions = new[] { "民政局：不同意" } } });
        var parent = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("rejected", parent["status"]!.GetValue<string>());
        Assert.Equal("一事一议不同意：已获保险理赔", parent["decision"]!["reason"]!.GetValue<string>());
        Assert.Empty(parent["payments"]!.AsArray());
    }

    [Fact]
    public async Task A_request_without_reason_or_from_the_wrong_role_is_refused()
    {
        var (host, admin, responder) = await StartAsync();
        await Api.ExpectProblem(await responder.PostAsync("/api/emergency-aid", Aid(300, reason: null)), HttpStatusCode.UnprocessableEntity, "reason");
        await Api.ExpectProblem(await responder.PostAsync("/api/emergency-aid", Aid(0)), HttpStatusCode.UnprocessableEntity, "amount");
        await Api.ExpectProblem(await (await host.LoginAsync(Seed.CountyOfficer)).PostAsync("/api/emergency-aid", Aid(300)), HttpStatusCode.Forbidden);
        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_emergency_procedure_and_the_case_by_case_sub_procedure_cannot_be_started_through_the_generic_route()
    {
        var (host, admin, responder) = await StartAsync();
        // Before startedBy, both were 201 here, and the emergency case was paid from the reserve fund at once.
        foreach (var (api, procedure) in new[] { (responder, "emergency-aid"), (await host.LoginAsync(Seed.TownshipOfficer), "emergency-aid"),
                                                 (await host.LoginAsync(Seed.CountyOfficer), "case-by-case") })
        {
            var refused = await Api.ExpectProblem(await api.PostAsync("/api/cases", new
            {
                procedure, regionCode = Seed.Village, applicant = new { name = "赵六", idNumber = IdNumbers.Next() },
                data = new { amount = 800, reason = "房屋失火，生活无着" },
            }), HttpStatusCode.UnprocessableEntity, "procedure");
            Assert.Contains(procedure == "emergency-aid" ? "/api/emergency-aid" : "a sub-procedure", refused.ToJsonString());
        }
        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
        Assert.Equal(20000m, (await admin.GetOk($"/api/reserve-funds/{Seed.Township}"))["balance"]!.GetValue<decimal>());
        // The definition names who may pay first: a committee member may not, even on the emergency route.
        await Api.ExpectProblem(await (await host.LoginAsync("committee")).PostAsync("/api/emergency-aid", Aid(300)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Ningxia_pays_at_once_up_to_one_and_a_half_times_the_urban_standard_and_Chongqing_sets_no_limit()
    {
        var (host, admin, _) = await StartSeededAsync();
        await DibaoScenarioTests.SetUpAsync(admin, DibaoScenarioTests.Ningxia);
        await DibaoScenarioTests.SetUpAsync(admin, DibaoScenarioTests.Chongqing);
        await Seed.AllocateReserveFundAsync(host, DibaoScenarioTests.Ningxia.Township, 10000, "64-county-officer");
        await Seed.AllocateReserveFundAsync(host, DibaoScenarioTests.Chongqing.Township, 10000, "50-county-officer");
        var ningxia = await host.LoginAsync("64-village-caseworker");

        // 700 × 1.5 = 1050 (003 §二(二)): paid from the reserve fund at once; a fen more goes to 一事一议.
        var paid = await ningxia.PostOk("/api/emergency-aid", Aid(1050, region: DibaoScenarioTests.Ningxia.Village), HttpStatusCode.Created);
        Assert.Equal("64", paid["definition"]!["regionCode"]!.GetValue<string>());
        Assert.Equal("approved", paid["status"]!.GetValue<string>());
        Assert.Equal("paid", Assert.Single(paid["payments"]!.AsArray())!["status"]!.GetValue<string>());
        var above = await ningxia.PostOk("/api/emergency-aid", Aid(1050.01m, region: DibaoScenarioTests.Ningxia.Village), HttpStatusCode.Created);
        Assert.Equal("case-by-case", above["step"]!.GetValue<string>());
        Assert.Empty(above["payments"]!.AsArray());

        // Chongqing has no limit of its own: the country default pays at once and asks for the paperwork.
        var chongqing = await host.LoginAsync("50-village-caseworker");
        var large = await chongqing.PostOk("/api/emergency-aid", Aid(5000, region: DibaoScenarioTests.Chongqing.Village), HttpStatusCode.Created);
        Assert.Equal("", large["definition"]!["regionCode"]!.GetValue<string>());
        Assert.Equal(5000m, Assert.Single(large["payments"]!.AsArray())!["amount"]!.GetValue<decimal>());
        Assert.Equal("documents", large["openTasks"]![0]!["step"]!.GetValue<string>());
    }
}
