using System.Net;
using Npgsql;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>A timer whose command fails is tried again after a doubling pause and, after the last attempt, parked for an
/// operator with its error (API.md, Operating). The failures are real ones: a trigger in the test's database refuses the
/// history row the reminder writes (the only row the system writes then; the rows' entries are sealed).</summary>
public sealed class TimerRetryTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    /// <summary>The township review's 2 working days (Saturday 14 and Tuesday 24 February) have run out.</summary>
    private static readonly DateTimeOffset AfterTheReviewDeadline = new(2026, 2, 25, 0, 0, 1, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_timer_whose_command_throws_twice_fires_on_the_third_try()
    {
        var database = await NewDatabaseAsync();
        var host = StartOn(database);
        await Seed.RunAsync(host);
        var caseId = await CaseAtTownshipReviewAsync(host);
        await RefuseRemindersAsync(database, times: 2);

        var clock = AfterTheReviewDeadline;
        Assert.Equal(0, (await MoveClockAsync(host, clock))["timersFired"]!.GetValue<int>());
        var timer = await ReviewTimerAsync(host, caseId);
        Assert.Equal(("pending", 1), (timer["status"]!.GetValue<string>(), timer["attempts"]!.GetValue<int>()));
        Assert.Contains("injected fault", timer["lastError"]!.GetValue<string>());
        Assert.Equal(clock.AddSeconds(30), timer["retryAt"]!.GetValue<DateTimeOffset>());

        // Not before its pause is over; then 30 s, then 60 s.
        Assert.Equal(0, (await MoveClockAsync(host, clock = clock.AddSeconds(20)))["timersFired"]!.GetValue<int>());
        Assert.Equal(1, (await ReviewTimerAsync(host, caseId))["attempts"]!.GetValue<int>());
        Assert.Equal(0, (await MoveClockAsync(host, clock = clock.AddSeconds(10)))["timersFired"]!.GetValue<int>());
        timer = await ReviewTimerAsync(host, caseId);
        Assert.Equal(2, timer["attempts"]!.GetValue<int>());
        Assert.Equal(clock.AddSeconds(60), timer["retryAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, (await MoveClockAsync(host, clock.AddSeconds(60)))["timersFired"]!.GetValue<int>());

        Assert.Equal("fired", (await ReviewTimerAsync(host, caseId))["status"]!.GetValue<string>());
        var actions = (await (await AdminAsync(host)).GetOk($"/api/cases/{caseId}"))["history"]!.AsArray().Select(h => h!["action"]!.GetValue<string>());
        Assert.Single(actions, a => a == "reminded");
    }

    [Fact]
    public async Task A_timer_that_fails_every_attempt_is_parked_for_an_operator_who_retries_it_by_hand()
    {
        var database = await NewDatabaseAsync();
        var host = StartOn(database, settings: new() { ["Timers:MaxAttempts"] = "2" });
        await Seed.RunAsync(host);
        var caseId = await CaseAtTownshipReviewAsync(host);
        await RefuseRemindersAsync(database, times: 1000);

        await MoveClockAsync(host, AfterTheReviewDeadline);
        await MoveClockAsync(host, AfterTheReviewDeadline.AddSeconds(30));
        var admin = await AdminAsync(host);
        var failed = await admin.GetOk("/api/admin/timers?status=failed");
        var parked = Assert.Single(failed["items"]!.AsArray())!;
        Assert.Equal(caseId, parked["caseId"]!.GetValue<string>());
        Assert.Equal(2, parked["attempts"]!.GetValue<int>());
        Assert.Null(parked["retryAt"]);
        Assert.Contains("injected fault", parked["lastError"]!.GetValue<string>());
        var health = await host.Anonymous().GetOk("/health/ready");
        Assert.Equal(1, health["timers"]!["failed"]!.GetValue<int>());
        Assert.Contains(health["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("status=failed"));
        // Parked means parked: time passing does not fire it.
        Assert.Equal(0, (await MoveClockAsync(host, AfterTheReviewDeadline.AddHours(2)))["timersFired"]!.GetValue<int>());

        admin = await AdminAsync(host);
        var county = await host.LoginAsync(Seed.CountyOfficer);
        await Api.ExpectProblem(await county.GetAsync("/api/admin/timers?status=failed"), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await admin.GetAsync("/api/admin/timers?status=broken"), HttpStatusCode.UnprocessableEntity, "status");

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("DROP TRIGGER refuse_reminders ON case_history", connection).ExecuteNonQueryAsync();
        }
        var retried = await admin.PostOk($"/api/admin/timers/{parked["id"]}/retry");
        Assert.Equal(("pending", 0), (retried["status"]!.GetValue<string>(), retried["attempts"]!.GetValue<int>()));
        await Api.ExpectProblem(await admin.PostAsync($"/api/admin/timers/{parked["id"]}/retry"), HttpStatusCode.Conflict);
        Assert.Equal(1, (await MoveClockAsync(host, AfterTheReviewDeadline.AddHours(2).AddSeconds(1)))["timersFired"]!.GetValue<int>());
        Assert.Equal(0, (await admin.GetOk("/api/admin/timers?status=failed"))["total"]!.GetValue<int>());
    }

    private static async Task<string> CaseAtTownshipReviewAsync(ServiceHost host)
    {
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
        return created["id"]!.GetValue<string>();
    }

    /// <summary>The first <paramref name="times"/> history rows of a reminder are refused. A sequence, not a table, counts
    /// them: its increments survive the rollback of the attempt that failed.</summary>
    private static async Task RefuseRemindersAsync(string database, int times)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await new NpgsqlCommand($"""
            CREATE SEQUENCE refused_reminders;
            CREATE FUNCTION refuse_reminder() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF nextval('refused_reminders') <= {times} THEN RAISE EXCEPTION 'injected fault'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_reminders BEFORE INSERT ON case_history FOR EACH ROW
              WHEN (NEW.actor = 'system') EXECUTE FUNCTION refuse_reminder();
            """, connection).ExecuteNonQueryAsync();
    }

    /// <summary>Logged in afresh: the clock has moved past the 8 hours of any earlier token.</summary>
    private static Task<Api> AdminAsync(ServiceHost host) => host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);

    private static async Task<System.Text.Json.Nodes.JsonNode> ReviewTimerAsync(ServiceHost host, string caseId)
    {
        var all = await (await AdminAsync(host)).GetOk("/api/admin/timers?pageSize=100");
        return all["items"]!.AsArray().Single(t => t!["caseId"]!.GetValue<string>() == caseId && t["step"]!.GetValue<string>() == "township-review")!;
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> MoveClockAsync(ServiceHost host, DateTimeOffset to) =>
        await host.Anonymous().PostOk("/api/test/clock", new { now = to });
}
