using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>What the engine promises, proven through HTTP on PostgreSQL: one set of effects per command,
/// timers that fire once across restarts and hosts, versions that running cases keep.</summary>
public sealed class EngineGuaranteeTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static async Task<(string CaseId, string TaskId)> ApplyAsync(Api caseworker, string? idNumber = null)
    {
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber, requestedAmount: 700), HttpStatusCode.Created);
        return (created["id"]!.GetValue<string>(), created["openTasks"]![0]!["id"]!.GetValue<string>());
    }

    private static int Count(JsonNode caseView, string action, string? step = null) =>
        caseView["history"]!.AsArray().Count(h => h!["action"]!.GetValue<string>() == action
            && (step is null || h["step"]!.GetValue<string>() == step));

    [Fact]
    public async Task Two_completes_of_one_task_give_one_200_one_409_and_one_set_of_effects()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        for (var round = 0; round < 5; round++)
        {
            var (caseId, taskId) = await ApplyAsync(caseworker);
            var body = new { outcome = "confirm" };
            var responses = await Task.WhenAll(
                caseworker.PostAsync($"/api/tasks/{taskId}/complete", body),
                caseworker.PostAsync($"/api/tasks/{taskId}/complete", body));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
            await Api.ExpectProblem(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);

            var view = await caseworker.GetOk($"/api/cases/{caseId}");
            Assert.Equal(1, Count(view, "completed", "village-check"));
            Assert.Equal(1, Count(view, "task-created", "township-review"));
            Assert.Single(view["openTasks"]!.AsArray());
        }
        Assert.Equal(5, (await township.GetOk("/api/tasks"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Two_applications_of_one_person_at_the_same_instant_give_one_case()
    {
        var (host, admin, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        for (var round = 0; round < 5; round++)
        {
            var idNumber = IdNumbers.Next();
            var responses = await Task.WhenAll(
                caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(idNumber)),
                township.PostAsync("/api/cases", Seed.MigrantWorkerApplication(idNumber, region: Seed.Township)));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        }
        Assert.Equal(5, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_deadline_timer_fires_once_after_a_restart()
    {
        var database = await NewDatabaseAsync();
        var first = StartOn(database);
        await Seed.RunAsync(first);
        var (caseId, _) = await ApplyAsync(await first.LoginAsync(Seed.Caseworker));
        await first.DisposeAsync(); // the process stops; the timer is a row

        // Created Friday 13 February 2026: 3 working days run to the end of Wednesday 25 February (Spring Festival).
        var second = StartOn(database, new DateTimeOffset(2026, 2, 25, 9, 0, 0, Beijing));
        var admin = await second.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var clock = await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 25, 23, 59, 0, Beijing) });
        Assert.Equal(0, clock["timersFired"]!.GetValue<int>());

        clock = await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 26, 0, 1, 0, Beijing) });
        Assert.Equal(1, clock["timersFired"]!.GetValue<int>());
        admin = await second.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var township = await second.LoginAsync(Seed.TownshipOfficer);
        var escalated = Assert.Single((await township.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("village-check", escalated["step"]!.GetValue<string>());
        Assert.True(escalated["escalated"]!.GetValue<bool>());
        Assert.False(escalated["overdue"]!.GetValue<bool>()); // a new deadline at the township, from the escalation
        Assert.True(escalated["dueAt"]!.GetValue<DateTimeOffset>() > new DateTimeOffset(2026, 2, 27, 0, 0, 0, Beijing));
        Assert.Empty((await (await second.LoginAsync(Seed.Caseworker)).GetOk("/api/tasks"))["items"]!.AsArray());

        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 10, 0, 0, 0, Beijing) });
        await second.DisposeAsync();
        var third = StartOn(database, new DateTimeOffset(2026, 3, 11, 0, 0, 0, Beijing));
        var admin3 = await third.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal(0, (await admin3.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 12, 0, 0, 0, Beijing) }))["timersFired"]!.GetValue<int>());
        admin3 = await third.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        Assert.Equal(1, Count(await admin3.GetOk($"/api/cases/{caseId}"), "escalated"));

        // The escalated task is the township's to finish.
        var township3 = await third.LoginAsync(Seed.TownshipOfficer);
        await township3.PostOk($"/api/tasks/{escalated["id"]}/complete", new { outcome = "confirm" });
    }

    [Fact]
    public async Task Two_hosts_firing_the_same_due_timers_fire_each_once()
    {
        var (hostA, adminA, database) = await StartSeededAsync();
        var caseworker = await hostA.LoginAsync(Seed.Caseworker);
        var cases = new List<string>();
        for (var i = 0; i < 20; i++) cases.Add((await ApplyAsync(caseworker)).CaseId);
        var hostB = StartOn(database);
        var adminB = await hostB.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);

        var after = new { now = new DateTimeOffset(2026, 2, 26, 9, 0, 0, Beijing) };
        var fired = await Task.WhenAll(adminA.PostOk("/api/test/clock", after), adminB.PostOk("/api/test/clock", after));
        Assert.Equal(20, fired.Sum(f => f!["timersFired"]!.GetValue<int>()));
        adminA = await hostA.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        foreach (var id in cases) Assert.Equal(1, Count(await adminA.GetOk($"/api/cases/{id}"), "escalated"));
    }

    [Fact]
    public async Task A_missed_review_deadline_reminds_and_marks_the_task_overdue()
    {
        var (host, admin, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var (caseId, taskId) = await ApplyAsync(caseworker);
        await caseworker.PostOk($"/api/tasks/{taskId}/complete", new { outcome = "confirm" });
        // The review is due at the end of 24 February (Saturday 14 and Tuesday 24 are its 2 working days).
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 25, 8, 0, 0, Beijing) });
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var overdue = await township.GetOk("/api/tasks?overdue=true");
        Assert.True(Assert.Single(overdue["items"]!.AsArray())!["overdue"]!.GetValue<bool>());
        Assert.Equal(1, Count(await admin.GetOk($"/api/cases/{caseId}"), "reminded"));
    }

    [Fact]
    public async Task Running_cases_keep_their_version_when_a_new_one_is_published()
    {
        var (host, admin, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var (before, beforeTask) = await ApplyAsync(caseworker);

        // Jilin lowers its limit to 800 yuan.
        var definition = (await admin.GetOk($"/api/definitions/migrant-worker-aid?region={Seed.Village}")).AsObject();
        Assert.Equal(1, definition["version"]!.GetValue<int>());
        definition.Remove("version");
        definition.Remove("publishedAt");
        definition["parameters"]!["maxAmount"] = 800;
        definition["revision"] = 2;
        var draft = await Api.Expect(await admin.PutAsync("/api/definitions/migrant-worker-aid/draft?region=22", definition), HttpStatusCode.OK);
        Assert.True(draft["valid"]!.GetValue<bool>());
        Assert.Equal(2, (await admin.PostOk("/api/definitions/migrant-worker-aid/publish?region=22"))["version"]!.GetValue<int>());

        var (after, afterTask) = await ApplyAsync(caseworker);
        Assert.Equal(1, (await caseworker.GetOk($"/api/cases/{before}"))["definition"]!["version"]!.GetValue<int>());
        Assert.Equal(2, (await caseworker.GetOk($"/api/cases/{after}"))["definition"]!["version"]!.GetValue<int>());

        await caseworker.PostOk($"/api/tasks/{beforeTask}/complete", new { outcome = "confirm" });
        await caseworker.PostOk($"/api/tasks/{afterTask}/complete", new { outcome = "confirm" });
        var reviews = (await township.GetOk("/api/tasks"))["items"]!.AsArray();
        string ReviewOf(string caseId) => reviews.Single(t => t!["caseId"]!.GetValue<string>() == caseId)!["id"]!.GetValue<string>();

        var old = await township.PostOk($"/api/tasks/{ReviewOf(before)}/complete", new { outcome = "approve", data = new { amount = 900 } });
        Assert.Equal(900m, old["payments"]![0]!["amount"]!.GetValue<decimal>());
        await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{ReviewOf(after)}/complete", new { outcome = "approve", data = new { amount = 900 } }),
            HttpStatusCode.UnprocessableEntity, "data.amount");
        Assert.Equal(2, (await admin.GetOk("/api/definitions/migrant-worker-aid/versions?region=22")).AsArray().Count);
    }

    [Fact]
    public async Task An_invalid_draft_is_saved_but_never_published()
    {
        var (_, admin, _) = await StartSeededAsync();
        var definition = (await admin.GetOk("/api/definitions/migrant-worker-aid?region=22")).AsObject();
        definition.Remove("version");
        definition.Remove("publishedAt");
        definition["steps"]![0]!["outcomes"]![0]!["to"] = "nowhere";
        var saved = await Api.Expect(await admin.PutAsync("/api/definitions/migrant-worker-aid/draft?region=22", definition), HttpStatusCode.OK);
        Assert.False(saved["valid"]!.GetValue<bool>());
        Assert.Contains(saved["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "steps[village-check].outcomes[confirm].to");
        await Api.ExpectProblem(await admin.PostAsync("/api/definitions/migrant-worker-aid/publish?region=22"),
            HttpStatusCode.UnprocessableEntity, "steps[village-check].outcomes[confirm].to");
        Assert.Single((await admin.GetOk("/api/definitions/migrant-worker-aid/versions?region=22")).AsArray());
    }

    [Fact]
    public async Task A_retried_post_with_the_same_idempotency_key_does_nothing_again()
    {
        var (host, admin, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var application = Seed.MigrantWorkerApplication();
        var first = await caseworker.PostAsync("/api/cases", application, idempotencyKey: "k-1");
        var retry = await caseworker.PostAsync("/api/cases", application, idempotencyKey: "k-1");
        var a = await Api.Expect(first, HttpStatusCode.Created);
        var b = await Api.Expect(retry, HttpStatusCode.Created);
        Assert.Equal(a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>());
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(), idempotencyKey: "k-1"),
            HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_test_clock_only_moves_forward()
    {
        var (host, _, _) = await StartSeededAsync();
        var anonymous = host.Anonymous();
        var now = (await anonymous.GetOk("/api/test/clock"))["now"]!.GetValue<DateTimeOffset>();
        Assert.Equal(Seed.BeforeSpringFestival, now);
        await Api.ExpectProblem(await anonymous.PostAsync("/api/test/clock", new { now = now.AddMinutes(-1) }), HttpStatusCode.Conflict);
        await Api.ExpectProblem(await anonymous.PostAsync("/api/test/clock", new { }), HttpStatusCode.UnprocessableEntity, "now");
    }

    [Fact]
    public async Task A_task_claimed_by_a_colleague_cannot_be_completed_or_released_by_another()
    {
        var (host, admin, _) = await StartSeededAsync();
        await admin.PostOk("/api/admin/users", new
        {
            username = "caseworker2", password = Seed.Password, displayName = "协理员二", roles = new[] { "village-caseworker" }, regionCode = Seed.Village,
        }, HttpStatusCode.Created);
        var first = await host.LoginAsync(Seed.Caseworker);
        var second = await host.LoginAsync("caseworker2");
        var (_, taskId) = await ApplyAsync(first);

        var claimed = await first.PostOk($"/api/tasks/{taskId}/claim");
        Assert.Equal(Seed.Caseworker, claimed["claimedBy"]!.GetValue<string>());
        var refused = await Api.ExpectProblem(await second.PostAsync($"/api/tasks/{taskId}/complete", new { outcome = "confirm" }), HttpStatusCode.Conflict);
        Assert.Contains(Seed.Caseworker, refused["detail"]!.GetValue<string>());
        await Api.ExpectProblem(await second.PostAsync($"/api/tasks/{taskId}/claim"), HttpStatusCode.Conflict);
        await Api.ExpectProblem(await second.PostAsync($"/api/tasks/{taskId}/release"), HttpStatusCode.Conflict);
        await first.PostOk($"/api/tasks/{taskId}/release");
        await second.PostOk($"/api/tasks/{taskId}/complete", new { outcome = "confirm" });
        await Api.ExpectProblem(await first.PostAsync($"/api/tasks/{taskId}/complete", new { outcome = "confirm" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Claim_and_release_move_the_case_s_version_so_a_command_that_read_the_case_before_cannot_write()
    {
        // A completion builds the history in its reply from what it read plus what it wrote; that holds only if
        // every command that adds history, claim and release too, moves the version its write is checked against.
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var (caseId, taskId) = await ApplyAsync(caseworker);
        var openDb = host.Services.GetRequiredService<Func<WorkflowDb>>();

        foreach (var command in new[] { "claim", "release" })
        {
            await using var db = openDb();
            var readBefore = await db.Cases.SingleAsync(c => c.Id == Guid.Parse(caseId));
            await caseworker.PostOk($"/api/tasks/{taskId}/{command}");
            readBefore.Version++; // as any command on the case does
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }
    }

    [Fact]
    public async Task An_outcome_the_task_does_not_allow_is_refused()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var (caseId, taskId) = await ApplyAsync(caseworker);
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/tasks/{taskId}/complete", new { outcome = "approve" }),
            HttpStatusCode.UnprocessableEntity, "outcome");
        var view = await caseworker.GetOk($"/api/cases/{caseId}");
        Assert.Equal("village-check", view["step"]!.GetValue<string>());
        Assert.Equal(0, Count(view, "completed"));
    }

    [Fact]
    public async Task Officials_see_and_act_only_within_their_jurisdiction_and_roles()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var stranger = await host.LoginAsync(Seed.OtherTownshipOfficer);
        var (caseId, taskId) = await ApplyAsync(caseworker);

        await Api.ExpectProblem(await stranger.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.NotFound);
        await Api.ExpectProblem(await stranger.GetAsync($"/api/tasks/{taskId}"), HttpStatusCode.NotFound);
        await Api.ExpectProblem(await stranger.PostAsync($"/api/tasks/{taskId}/complete", new { outcome = "confirm" }), HttpStatusCode.NotFound);
        Assert.Equal(0, (await stranger.GetOk("/api/cases"))["total"]!.GetValue<int>());
        // The township officer of the case's own township has the case but not the village's task (wrong role).
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        await township.GetOk($"/api/cases/{caseId}");
        await Api.ExpectProblem(await township.PostAsync($"/api/tasks/{taskId}/claim"), HttpStatusCode.NotFound);

        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(region: Seed.OtherVillage)), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await caseworker.PostAsync("/api/admin/regions", new { code = "220102001003", name = "x" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Missing_forged_and_expired_tokens_are_401()
    {
        var (host, admin, _) = await StartSeededAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous().GetAsync("/api/tasks")).StatusCode);
        var forged = host.Anonymous();
        forged.Http.DefaultRequestHeaders.Authorization = new("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJlZ2lvbiI6IiJ9.c2lnbmF0dXJlLWZvcmdlZC1ieS1zb21lb25l");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/tasks")).StatusCode);
        await Api.ExpectProblem(await host.Anonymous().PostAsync("/api/auth/token", new { username = "admin", password = "wrong" }), HttpStatusCode.Unauthorized);

        var caseworker = await host.LoginAsync(Seed.Caseworker);
        await admin.PostOk("/api/test/clock", new { now = Seed.BeforeSpringFestival.AddHours(9) }); // tokens last 8 hours
        Assert.Equal(HttpStatusCode.Unauthorized, (await caseworker.GetAsync("/api/tasks")).StatusCode);
    }

    [Fact]
    public async Task Standards_are_effective_dated_and_keep_their_history()
    {
        var (_, admin, _) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync("/api/admin/regions/220102/standards",
            new { urbanMonthly = 720, ruralMonthly = 530.5, effectiveFrom = "2026-01-01" }), HttpStatusCode.OK);
        var view = await Api.Expect(await admin.PutAsync("/api/admin/regions/220102/standards",
            new { urbanMonthly = 760, ruralMonthly = 560, effectiveFrom = "2026-07-01" }), HttpStatusCode.OK);
        Assert.Equal(2, view["history"]!.AsArray().Count);
        Assert.Equal(720m, view["current"]!["urbanMonthly"]!.GetValue<decimal>()); // the clock is in February
        // A township without its own standard uses the county's.
        var township = await admin.GetOk($"/api/admin/regions/{Seed.Township}/standards");
        Assert.Equal(530.5m, township["current"]!["ruralMonthly"]!.GetValue<decimal>());
        await Api.ExpectProblem(await admin.PutAsync("/api/admin/regions/220102/standards",
            new { urbanMonthly = 720.123, ruralMonthly = -1, effectiveFrom = "2026-01-01" }), HttpStatusCode.UnprocessableEntity, "urbanMonthly");
    }

    [Fact]
    public async Task The_database_refuses_a_second_payment_of_a_case_for_the_same_month()
    {
        var (host, admin, _) = await StartSeededAsync();
        // A faulty procedure that would pay the same month twice: the unique (case, period) key stops it, and with it
        // the whole command — no case, no payment.
        var faulty = System.Text.Json.Nodes.JsonNode.Parse("""
        {
          "key": "double-pay", "regionCode": "22", "name": "重复发放（测试）", "start": "pay",
          "steps": [
            { "id": "pay", "kind": "payment", "name": "本月", "period": "monthly", "amount": "100", "next": "again" },
            { "id": "again", "kind": "payment", "name": "本月再次", "period": "monthly", "amount": "100", "next": "done" },
            { "id": "done", "kind": "end", "name": "结束", "status": "approved" }
          ]
        }
        """)!;
        await Api.Expect(await admin.PutAsync("/api/definitions/double-pay/draft?region=22", faulty), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/double-pay/publish?region=22");
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", new
        {
            procedure = "double-pay", regionCode = Seed.Village, applicant = new { name = "测试", idNumber = IdNumbers.Next() },
        }), HttpStatusCode.Conflict);
        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await admin.GetOk("/api/payments"))["total"]!.GetValue<int>());
    }
}
