using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Access;
using Workflows.Host.Tests.Support;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>
/// The first procedure end to end through HTTP (Jilin, 吉民发〔2020〕40号 §二(二) = seed 004 §二(二)):
/// village check within 3 working days → township review within 2 → duplicate check → at most 1000 yuan → archived.
/// Runs on PostgreSQL and, as the smoke part, on the embedded SQLite default.
/// </summary>
public abstract class MigrantWorkerAidSmokeTests : HostedTest
{
    [Fact]
    public async Task An_application_goes_from_village_check_to_payment()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);

        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(requestedAmount: 900), HttpStatusCode.Created);
        var caseId = created["id"]!.GetValue<string>();
        Assert.Equal("open", created["status"]!.GetValue<string>());
        Assert.Equal("22", created["definition"]!["regionCode"]!.GetValue<string>());

        // 004 §二(二)3: the village investigates within 3 working days. Created Friday 13 Feb 2026, before the
        // Spring Festival: Saturday 14 (make-up workday), then 24 and 25 February → due at the end of the 25th.
        var villageTask = Assert.Single((await caseworker.GetOk("/api/tasks?status=open"))["items"]!.AsArray())!;
        Assert.Equal("village-check", villageTask["step"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 2, 26, 0, 0, 0, TimeSpan.FromHours(8)), villageTask["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["confirm", "refuse"], villageTask["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Empty((await township.GetOk("/api/tasks"))["items"]!.AsArray());

        await caseworker.PostOk($"/api/tasks/{villageTask["id"]}/claim");
        await caseworker.PostOk($"/api/tasks/{villageTask["id"]}/complete", new { outcome = "confirm", comment = "入户核实属实" });

        // The township reviews within 2 working days: 14 February and 24 February.
        var review = Assert.Single((await township.GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("township-review", review["step"]!.GetValue<string>());
        Assert.Equal(Seed.Township, review["regionCode"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 2, 25, 0, 0, 0, TimeSpan.FromHours(8)), review["dueAt"]!.GetValue<DateTimeOffset>());

        // 004 §二(二)4: the county fixes the amount by urgency, at most 1000 yuan.
        var done = await township.PostOk($"/api/tasks/{review["id"]}/complete", new { outcome = "approve", data = new { amount = 823.5 } });
        Assert.Equal("approved", done["status"]!.GetValue<string>());
        Assert.Equal("archived", done["step"]!.GetValue<string>());
        Assert.True(done["decision"]!["approved"]!.GetValue<bool>());
        Assert.Equal(823.5m, done["decision"]!["amount"]!.GetValue<decimal>());
        var payment = Assert.Single(done["payments"]!.AsArray())!;
        Assert.Equal(823.5m, payment["amount"]!.GetValue<decimal>());
        Assert.Equal("pending", payment["status"]!.GetValue<string>());
        Assert.Equal("data.amount ?? data.requestedAmount", payment["basis"]!["expression"]!.GetValue<string>());
        Assert.Empty(done["openTasks"]!.AsArray());
        var actions = done["history"]!.AsArray().Select(h => h!["action"]!.GetValue<string>()).ToList();
        Assert.Equal(["started", "task-created", "claimed", "completed", "task-created", "completed",
            "duplicate-check-passed", "payment-created", "ended"], actions);

        var fetched = await caseworker.GetOk($"/api/cases/{caseId}");
        Assert.Equal("approved", fetched["status"]!.GetValue<string>());
        // The reply is built from what the command had in hand; what was stored reads back the same.
        Assert.Equal(fetched["history"]!.ToJsonString(), done["history"]!.ToJsonString());
        Assert.Equal(fetched["payments"]!.ToJsonString(), done["payments"]!.ToJsonString());
        var listed = await township.GetOk("/api/cases?procedure=migrant-worker-aid");
        Assert.Equal(1, listed["total"]!.GetValue<int>());
        Assert.Contains("********", listed["items"]![0]!["applicant"]!["idNumber"]!.GetValue<string>());
        var payments = await township.GetOk("/api/payments");
        Assert.Equal(823.5m, payments["items"]![0]!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_command_that_read_the_case_before_another_committed_keeps_nothing_of_its_own()
    {
        // On PostgreSQL a command's writes go as one batch without a transaction of their own: only the history row of
        // the case's new version, unique per case, stops a command that read an older version. Without it, this stale
        // completion would keep a second township review.
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        var caseId = Guid.Parse(created["id"]!.GetValue<string>());
        var taskId = Guid.Parse(created["openTasks"]![0]!["id"]!.GetValue<string>());
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDb>();
        // A context keeps the rows it tracks as it first read them, so the engine's read below sees the case and its
        // task as they were before the other completion.
        await db.Cases.SingleAsync(c => c.Id == caseId);
        await db.Tasks.Where(t => t.CaseId == caseId).ToListAsync();
        await caseworker.PostOk($"/api/tasks/{taskId}/complete", new { outcome = "confirm" });

        var actor = new Actor(Seed.Caseworker, [Roles.VillageCaseworker], Seed.Village);
        var conflict = await Assert.ThrowsAsync<ConflictProblem>(() => scope.ServiceProvider.GetRequiredService<CaseEngine>()
            .CompleteAsync(taskId, new CompleteTaskCommand("confirm", null, null), actor));
        Assert.Contains("the case changed concurrently", conflict.Message);

        var actions = (await caseworker.GetOk($"/api/cases/{caseId}"))["history"]!.AsArray().Select(h => h!["action"]!.GetValue<string>());
        Assert.Equal(["started", "task-created", "completed", "task-created"], actions);
        await using var check = host.Services.GetRequiredService<Func<WorkflowDb>>()();
        Assert.Equal(2, await check.Tasks.CountAsync(t => t.CaseId == caseId));
        Assert.Equal([1, 2], await check.History.Where(h => h.CaseId == caseId).OrderBy(h => h.Id).Select(h => h.CaseVersion).ToListAsync());
        Assert.Equal(1, await check.Outbox.CountAsync(o => o.CaseId == caseId && o.EventsJson.Contains("township-review")));
    }

    [Fact]
    public async Task A_refusal_needs_a_written_reason_and_does_not_use_up_the_persons_one_aid()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var idNumber = IdNumbers.Next();
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber), HttpStatusCode.Created);
        var task = created["openTasks"]![0]!["id"]!.GetValue<string>();

        await Api.ExpectProblem(await caseworker.PostAsync($"/api/tasks/{task}/complete", new { outcome = "refuse" }),
            HttpStatusCode.UnprocessableEntity, "comment");
        var refused = await caseworker.PostOk($"/api/tasks/{task}/complete", new { outcome = "refuse", comment = "经核实，申请人已返岗复工" });
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Equal("经核实，申请人已返岗复工", refused["decision"]!["reason"]!.GetValue<string>());
        Assert.False(refused["decision"]!["approved"]!.GetValue<bool>());
        Assert.Empty(refused["payments"]!.AsArray());

        // 004 §二(二)3 limits what is *enjoyed* to once per province: a refused person may apply again.
        await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_second_aid_for_the_same_person_in_the_province_is_a_conflict()
    {
        var (host, _, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var idNumber = IdNumbers.Next();
        await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber), HttpStatusCode.Created);

        // The same person at another township of Jilin: 004 §二(二)3, once within the whole province.
        var problem = await Api.ExpectProblem(
            await township.PostAsync("/api/cases", Seed.MigrantWorkerApplication(idNumber, region: Seed.Township)),
            HttpStatusCode.Conflict);
        Assert.Contains("只能享受一次", problem["detail"]!.GetValue<string>());
        Assert.Equal(1, (await township.GetOk("/api/cases"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_applications_are_refused_with_the_field_named_and_nothing_written()
    {
        var (host, admin, _) = await StartSeededAsync();
        var caseworker = await host.LoginAsync(Seed.Caseworker);

        async Task Refused(object body, HttpStatusCode status, string? field = null) =>
            await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", body), status, field);

        var good = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Seed.MigrantWorkerApplication(),
            System.Text.Json.JsonSerializerOptions.Web))!.AsObject();
        JsonObject With(Action<JsonObject> change) { var copy = good.DeepClone().AsObject(); change(copy); return copy; }

        await Refused(With(b => b["applicant"]!["idNumber"] = "220102198001010011"), HttpStatusCode.UnprocessableEntity, "applicant.idNumber");
        await Refused(With(b => b["procedure"] = "no-such-procedure"), HttpStatusCode.UnprocessableEntity, "procedure");
        await Refused(With(b => b["regionCode"] = "22010200100"), HttpStatusCode.UnprocessableEntity, "regionCode");
        await Refused(With(b => b["regionCode"] = "220102999999"), HttpStatusCode.Forbidden);           // not the caseworker's village
        await Refused(With(b => b["data"]!["requestedAmount"] = 1000.01), HttpStatusCode.UnprocessableEntity, "data.requestedAmount");
        await Refused(With(b => b["data"]!["witnesses"]!.AsArray().RemoveAt(1)), HttpStatusCode.UnprocessableEntity, "data.witnesses");
        await Refused(With(b => b["data"]!["unemploymentInsured"] = true), HttpStatusCode.UnprocessableEntity, "data.unemploymentInsured");
        await Refused(With(b => b["data"]!["monthsWithoutIncome"] = 2), HttpStatusCode.UnprocessableEntity, "data.monthsWithoutIncome");
        // Everything missing is named at once (一次性告知).
        var all = await Api.ExpectProblem(await caseworker.PostAsync("/api/cases", With(b => b["data"] = new JsonObject())),
            HttpStatusCode.UnprocessableEntity);
        Assert.True(all["errors"]!.AsObject().Count >= 6, all.ToJsonString());

        Assert.Equal(0, (await admin.GetOk("/api/cases"))["total"]!.GetValue<int>());
        Assert.Empty((await caseworker.GetOk("/api/tasks"))["items"]!.AsArray());
    }

    [Fact]
    public async Task The_service_reports_health_and_publishes_its_openapi_document()
    {
        var (host, _, _) = await StartSeededAsync();
        var anonymous = host.Anonymous();
        await anonymous.GetOk("/health/live");
        Assert.Equal("ready", (await anonymous.GetOk("/health/ready"))["status"]!.GetValue<string>());
        var openapi = await anonymous.GetOk("/openapi/v1.json");
        Assert.NotNull(openapi["paths"]!["/api/tasks/{id}/complete"]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar")).StatusCode);
    }
}

[Collection("postgres")]
public sealed class PostgresMigrantWorkerAidTests(PostgresFixture postgres) : MigrantWorkerAidSmokeTests
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();
}

public sealed class SqliteMigrantWorkerAidTests : MigrantWorkerAidSmokeTests
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();
}
