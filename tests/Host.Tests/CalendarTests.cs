using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>The calendar never runs out (API.md, calendars): a deadline that crosses into a year without holiday data is
/// set Monday–Friday and marked provisional; once a system admin puts that year, it follows that year's notice, on
/// every host, without a restart. DOMAIN.md, Working days: deadlines follow the State Council's yearly notice with its
/// make-up workdays, and years are added without code.</summary>
public sealed class CalendarTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    /// <summary>Wednesday 30 December 2026, 10:00 Beijing time: the shipped data ends the next day.</summary>
    private static readonly DateTimeOffset NewYearsEve = new(2026, 12, 30, 10, 0, 0, TimeSpan.FromHours(8));

    private static DateTimeOffset EndOf(int year, int month, int day) => new(year, month, day + 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>元旦 from Friday 1 to Monday 4 January; Saturday 9 January is a make-up workday.</summary>
    private static readonly object Year2027 = new
    {
        holidays = new[] { new[] { "2027-01-01", "2027-01-04", "元旦" } },
        workdays = new[] { "2027-01-09" },
    };

    private static readonly Dictionary<string, string?> QuickRefresh = new() { ["Calendar:RefreshSeconds"] = "0.2" };

    [Fact]
    public async Task A_deadline_past_the_data_is_provisional_until_the_year_is_put_and_then_follows_it_on_every_host()
    {
        var database = await NewDatabaseAsync();
        var a = StartOn(database, NewYearsEve, QuickRefresh);
        var b = StartOn(database, NewYearsEve, QuickRefresh);
        var admin = await Seed.RunAsync(a);
        var onA = await a.LoginAsync(Seed.Caseworker);
        var onB = await b.LoginAsync(Seed.Caseworker);

        // 3 working days from Wednesday 30 December: Thursday 31, then Friday 1 and Monday 4 January counted as weekdays.
        var first = await onA.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        var second = await onB.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        foreach (var created in new[] { first, second })
        {
            var task = created["openTasks"]![0]!;
            Assert.Equal(EndOf(2027, 1, 4), task["dueAt"]!.GetValue<DateTimeOffset>());
            Assert.True(task["dueAtProvisional"]!.GetValue<bool>());
        }
        var ready = await a.Anonymous().GetOk("/health/ready");
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.Equal("2026-12-31", ready["calendar"]!["heldThrough"]!.GetValue<string>());
        Assert.Equal(1, ready["calendar"]!["daysLeft"]!.GetValue<int>());
        Assert.Contains("2027", Assert.Single(ready["warnings"]!.AsArray())!.GetValue<string>());

        var put = await Api.Expect(await admin.PutAsync("/api/admin/calendars/2027", Year2027), HttpStatusCode.OK);
        // This host computes them again at once; host B, refreshing every 0.2 s, may take some of them first.
        Assert.InRange(put["recomputed"]!.GetValue<int>(), 0, 2);
        // Thursday 31 December, then Tuesday 5 and Wednesday 6 January.
        foreach (var created in new[] { first, second })
        {
            var task = (await onA.GetOk($"/api/cases/{created["id"]}"))["openTasks"]![0]!;
            Assert.Equal(EndOf(2027, 1, 6), task["dueAt"]!.GetValue<DateTimeOffset>());
            Assert.False(task["dueAtProvisional"]!.GetValue<bool>());
        }
        var history = (await onB.GetOk($"/api/cases/{second["id"]}"))["history"]!.AsArray();
        var recomputed = history.Last()!;
        Assert.Equal("deadline-recomputed", recomputed["action"]!.GetValue<string>());
        Assert.Equal("system", recomputed["actor"]!.GetValue<string>());

        var years = await admin.GetOk("/api/admin/calendars");
        Assert.Equal([2025, 2026, 2027], years.AsArray().Select(y => y!["year"]!.GetValue<int>()));
        Assert.Equal("admin", years[2]!["source"]!.GetValue<string>());
        Assert.Equal(4, years[2]!["holidayDays"]!.GetValue<int>());

        // Host B follows the database's calendar within its refresh interval, with no restart.
        await Eventually(async () => (await b.Anonymous().GetOk("/health/ready"))["calendar"]!["heldThrough"]!.GetValue<string>() == "2027-12-31");
        var third = await onB.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        Assert.Equal(EndOf(2027, 1, 6), third["openTasks"]![0]!["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.False(third["openTasks"]![0]!["dueAtProvisional"]!.GetValue<bool>());
        Assert.Empty((await b.Anonymous().GetOk("/health/ready"))["warnings"]!.AsArray());

        // Friday 8 January on both hosts' clocks: the village check has escalated to the township, which confirms it on
        // host B. The review's 2 working days are Saturday 9 (the make-up day) and Monday 11.
        var friday = new DateTimeOffset(2027, 1, 8, 10, 0, 0, TimeSpan.FromHours(8));
        await a.Anonymous().PostOk("/api/test/clock", new { now = friday });
        await b.Anonymous().PostOk("/api/test/clock", new { now = friday });
        var township = await b.LoginAsync(Seed.TownshipOfficer);
        var escalated = (await township.GetOk($"/api/cases/{third["id"]}"))["openTasks"]![0]!;
        Assert.True(escalated["escalated"]!.GetValue<bool>());
        var confirmed = await township.PostOk($"/api/tasks/{escalated["id"]}/complete", new { outcome = "confirm" });
        var review = confirmed["openTasks"]![0]!;
        Assert.Equal("township-review", review["step"]!.GetValue<string>());
        Assert.Equal(EndOf(2027, 1, 11), review["dueAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Only_a_system_admin_puts_a_year_and_a_bad_year_is_refused_field_by_field()
    {
        var (host, admin, _) = await StartSeededAsync(NewYearsEve);
        var county = await host.LoginAsync(Seed.CountyOfficer);
        await Api.ExpectProblem(await county.PutAsync("/api/admin/calendars/2027", Year2027), HttpStatusCode.Forbidden);

        var problem = await Api.ExpectProblem(await admin.PutAsync("/api/admin/calendars/2027", new
        {
            holidays = new[] { new[] { "2027-02-06", "2027-02-14", "春节" }, new[] { "2027-02-12", "2027-02-13", "重复" } },
            workdays = new[] { "2028-01-08", "2027-01-05" },
        }), HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("holidays[1]"), errors.ToJsonString());    // overlaps 春节
        Assert.True(errors.ContainsKey("workdays[0]"), errors.ToJsonString());    // not in 2027
        Assert.True(errors.ContainsKey("workdays[1]"), errors.ToJsonString());    // a Tuesday
        await Api.ExpectProblem(await admin.PutAsync("/api/admin/calendars/1999", Year2027), HttpStatusCode.UnprocessableEntity, "year");
        // Nothing was stored, and the provisional deadline stays as it was.
        Assert.Equal(2, (await admin.GetOk("/api/admin/calendars")).AsArray().Count);
        await Api.Expect(await admin.GetAsync("/api/admin/calendars/2027"), HttpStatusCode.NotFound);
        Assert.Equal("元旦", (await admin.GetOk("/api/admin/calendars/2026"))["holidays"]![0]![2]!.GetValue<string>());
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(50))
            if (await condition()) return;
        Assert.Fail("the condition did not hold within 10 s");
    }
}
