using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>
/// Bad input that reached a 500 or passed silently (issue 16) is refused naming the field, and leaves nothing; idempotency
/// keys are kept for signed-in callers only, for 24 hours; sign-in and the public routes are rate limited.
/// </summary>
public sealed class InputLimitsTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task Malformed_households_wrong_kinds_future_births_excess_decimals_and_huge_fields_are_refused_by_field()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var good = System.Text.Json.JsonSerializer.SerializeToNode(Application(Jilin))!.AsObject();
        JsonObject With(Action<JsonObject> change) { var copy = good.DeepClone().AsObject(); change(copy); return copy; }
        async Task Refused(JsonObject body, HttpStatusCode status, string field) =>
            await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", body), status, field);

        var born = WorkingDayCalendarToday().AddDays(1);
        var unborn = "220102" + born.ToString("yyyyMMdd") + "001";
        unborn += Workflows.Applicants.IdNumber.CheckDigit(unborn);

        // Each of these was a 500 (a number where the ID number belongs, members not a list, a member not an object) …
        await Refused(With(b => b["household"]!["members"]![0]!["idNumber"] = 220102197001010018), HttpStatusCode.UnprocessableEntity, "household.members[0].idNumber");
        await Refused(With(b => b["household"]!["members"] = "张三丰一家"), HttpStatusCode.UnprocessableEntity, "household.members");
        await Refused(With(b => b["household"]!["members"]![1] = 7), HttpStatusCode.UnprocessableEntity, "household.members[1]");
        await Refused(With(b => b["applicant"]!["name"] = 5), HttpStatusCode.UnprocessableEntity, "applicant.name");
        // … or passed silently.
        await Refused(With(b => b["household"]!["members"]![0]!["monthlyIncome"] = "很多"), HttpStatusCode.UnprocessableEntity, "household.members[0].monthlyIncome");
        await Refused(With(b => b["household"]!["members"]![0]!["monthlyIncome"] = 1200.123), HttpStatusCode.UnprocessableEntity, "household.members[0].monthlyIncome");
        await Refused(With(b => b["household"]!["members"]![2]!["age"] = -3), HttpStatusCode.UnprocessableEntity, "household.members[2].age");
        await Refused(With(b => b["household"]!["members"]![2]!["idNumber"] = unborn), HttpStatusCode.UnprocessableEntity, "household.members[2].idNumber");
        await Refused(With(b => b["applicant"]!["idNumber"] = unborn), HttpStatusCode.UnprocessableEntity, "applicant.idNumber");
        await Refused(With(b => b["applicant"]!["name"] = new string('张', 101)), HttpStatusCode.UnprocessableEntity, "applicant.name");
        await Refused(With(b => b["data"]!["note"] = new string('x', 70_000)), HttpStatusCode.UnprocessableEntity, "data");
        await Refused(With(b => b["data"]!["requestedAmount"] = 800.125), HttpStatusCode.UnprocessableEntity, "data.requestedAmount");
        await Api.ExpectProblem(await (await host.LoginAsync(Seed.Caseworker)).PostAsync("/api/emergency-aid", new
        {
            regionCode = Seed.Village, applicant = new { name = "赵六", idNumber = IdNumbers.Next() }, amount = 300.555, reason = "火灾",
        }), HttpStatusCode.UnprocessableEntity, "amount");

        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
        // A page past every list is refused, not answered with the first page.
        await Api.ExpectProblem(await admin.GetAsync($"/api/cases?page={int.MaxValue}"), HttpStatusCode.UnprocessableEntity, "page");
        await Api.ExpectProblem(await admin.GetAsync("/api/cases?pageSize=abc"), HttpStatusCode.BadRequest, "pageSize");
        // A comment too long for a form.
        var created = await caseworker.PostOk("/api/cases", good, HttpStatusCode.Created);
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete",
            new { outcome = "confirm", comment = new string('x', 2001) }), HttpStatusCode.UnprocessableEntity, "comment");
        // A definition with a key given twice would read two ways; with a comment, as no other tool reads it.
        foreach (var body in new[] { "{ \"key\": \"a\", \"key\": \"b\" }", "{ /* draft */ \"key\": \"a\" }" })
        {
            var report = await Api.Expect(await admin.Http.PostAsync("/api/definitions/validate",
                new StringContent(body, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.OK);
            Assert.False(report["valid"]!.GetValue<bool>());
            Assert.Contains("not valid JSON", report["errors"]![0]!["message"]!.GetValue<string>());
        }
    }

    private static DateOnly WorkingDayCalendarToday() => DateOnly.FromDateTime(Seed.BeforeSpringFestival.ToOffset(TimeSpan.FromHours(8)).DateTime);

    [Fact]
    public async Task An_idempotency_key_is_kept_only_for_a_signed_in_caller_and_only_for_a_day()
    {
        var (host, _, _) = await StartSeededAsync();
        var openDb = host.Services.GetRequiredService<Func<WorkflowDb>>();
        // Anonymous: a sign-in (whose reply holds a token) and a refused request write no row.
        await Api.Expect(await host.Anonymous().PostAsync("/api/auth/token", new { username = Seed.Caseworker, password = Seed.Password }, "login-1"),
            HttpStatusCode.OK);
        await Api.Expect(await host.Anonymous().PostAsync("/api/cases", Seed.MigrantWorkerApplication(), "anonymous-1"), HttpStatusCode.Unauthorized);
        await using (var db = openDb()) Assert.Equal(0, await db.IdempotencyKeys.CountAsync());

        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var first = await Api.Expect(await caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(), "aid-1"), HttpStatusCode.Created);
        await using (var db = openDb())
        {
            var kept = await db.IdempotencyKeys.SingleAsync();
            Assert.DoesNotContain("accessToken", kept.ResponseBody);
            // A day and a second later, as the purge finds it.
            await db.IdempotencyKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, DateTime.UtcNow.AddHours(-24).AddSeconds(-1)));
        }
        // Expired: the key is free for a new request (before, a different body under the key was refused for ever).
        var again = await Api.Expect(await caseworker.PostAsync("/api/cases", Seed.MigrantWorkerApplication(), "aid-1"), HttpStatusCode.Created);
        Assert.NotEqual(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        await using (var db = openDb())
            await db.IdempotencyKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, DateTime.UtcNow.AddHours(-25)));
        Assert.Equal(1, await Workflows.Host.Idempotency.ExpiredIdempotencyKeys.PurgeAsync(openDb, DateTime.UtcNow));
    }

    [Fact]
    public async Task A_body_larger_than_its_route_accepts_is_refused_before_it_is_read()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        // Before, every route read up to Kestrel's 30 MB default into memory.
        var application = System.Text.Json.JsonSerializer.SerializeToNode(Seed.MigrantWorkerApplication())!;
        application["data"]!["note"] = new string('x', 1_100_000);
        await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", application), HttpStatusCode.RequestEntityTooLarge);
        // A definition may be larger, up to its own limit, which the validator names.
        var definition = await admin.GetOk("/api/definitions/dibao?region=22");
        definition["description"] = new string('x', 1_200_000);
        await Api.ExpectProblem(await admin.PutAsync("/api/definitions/dibao/draft?region=22", definition), HttpStatusCode.UnprocessableEntity, "body");
        definition["description"] = new string('x', 2_500_000);
        await Api.ExpectProblem(await admin.PutAsync("/api/definitions/dibao/draft?region=22", definition), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sign_in_and_the_public_notices_are_limited_per_address()
    {
        var database = await NewDatabaseAsync();
        var host = StartOn(database, settings: new() { ["RateLimits:LoginPerMinute"] = "3", ["RateLimits:PublicPerMinute"] = "2" });
        var anonymous = host.Anonymous();
        for (var i = 0; i < 3; i++)
            await Api.Expect(await anonymous.PostAsync("/api/auth/token", new { username = "nobody", password = "guess-" + i }), HttpStatusCode.Unauthorized);
        var refused = await anonymous.PostAsync("/api/auth/token", new { username = ServiceHost.AdminUser, password = ServiceHost.AdminPassword });
        await Api.ExpectProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(refused.Headers.RetryAfter!.ToString()), 1, 60); // what is left of the minute

        for (var i = 0; i < 2; i++) await anonymous.GetOk("/api/public/notices?regionCode=22");
        await Api.ExpectProblem(await anonymous.GetAsync("/api/public/notices?regionCode=22"), HttpStatusCode.TooManyRequests);
    }
}
