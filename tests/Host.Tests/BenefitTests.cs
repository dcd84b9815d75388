using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>
/// 待遇 (API.md, Benefits): a definition grants a case its monthly benefit, changes it, puts it on a gradual exit; the
/// county's payroll runs pay it once a month and stop after the exit's last month. Runs on PostgreSQL and, as the smoke
/// part, on SQLite (each has its own set-based statement).
/// </summary>
public abstract class BenefitSmokeTests : HostedTest
{
    protected static readonly JsonObject Definition = JsonNode.Parse("""
    {
      "key": "dibao", "regionCode": "22", "name": "最低生活保障（待遇测试）",
      "parameters": { "monthly": 600, "gradualExitMonths": 1 },
      "start": "review",
      "steps": [
        { "id": "review", "kind": "task", "name": "乡镇审核", "role": "township-officer", "level": "township",
          "outcomes": [ { "name": "approve", "to": "approve" }, { "name": "reject", "to": "refused", "requiresComment": true } ] },
        { "id": "approve", "kind": "action", "name": "批准", "action": "approve-case", "next": "grant" },
        { "id": "grant", "kind": "action", "name": "纳入保障", "action": "grant-benefit", "amount": "params.monthly", "next": "periodic-review" },
        { "id": "periodic-review", "kind": "task", "name": "定期核查", "role": "township-officer", "level": "township",
          "outcomes": [
            { "name": "change", "to": "change" },
            { "name": "gradual-exit", "to": "gradual" },
            { "name": "exit", "to": "end", "requiresComment": true } ] },
        { "id": "change", "kind": "action", "name": "调整保障金", "action": "change-benefit", "amount": "data.amount", "next": "periodic-review" },
        { "id": "gradual", "kind": "action", "name": "渐退", "action": "gradual-exit", "months": "params.gradualExitMonths", "next": "periodic-review" },
        { "id": "end", "kind": "action", "name": "退出", "action": "end-benefit", "next": "exited" },
        { "id": "exited", "kind": "end", "name": "退出低保", "status": "closed" },
        { "id": "refused", "kind": "end", "name": "不予保障", "status": "rejected" }
      ]
    }
    """)!.AsObject();

    private static DateTimeOffset FirstOf(int month) => new(2026, month, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_benefit_is_paid_by_the_payroll_once_a_month_changed_by_a_review_and_stops_after_its_gradual_exit()
    {
        var (host, admin, _) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=22", Definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/dibao/publish?region=22");
        await admin.PostOk("/api/admin/users", new
        {
            username = "finance", password = Seed.Password, displayName = "县财务", roles = new[] { "finance-officer" }, regionCode = Seed.County,
        }, HttpStatusCode.Created);
        var created = await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", new
        {
            procedure = "dibao", regionCode = Seed.Village,
            applicant = new { name = "张三", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233445" },
            household = new { members = new[] { new { name = "张三", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 0 } } },
        }, HttpStatusCode.Created);
        var caseId = created["id"]!.GetValue<string>();
        var approved = await ReviewAsync(host, caseId, new { outcome = "approve" });
        Assert.Equal((600m, "2026-02", "active"), (approved["benefit"]!["monthlyAmount"]!.GetValue<decimal>(),
            approved["benefit"]!["from"]!.GetValue<string>(), approved["benefit"]!["status"]!.GetValue<string>()));
        Assert.Equal(600m, approved["decision"]!["monthlyAmount"]!.GetValue<decimal>());
        Assert.Empty(approved["payments"]!.AsArray()); // the money comes from the county's run

        await RunAsync(host, "2026-02", expected: 600m);
        await Api.ExpectProblem(await (await host.LoginAsync("finance")).PostAsync("/api/payroll-runs",
            new { regionCode = Seed.County, period = "2026-02" }), HttpStatusCode.Conflict);

        // Granted after February's run was drawn (当月审批、当月发放, seed 001 §一(四)): February becomes a pending payment
        // of the case, which March's regular run takes; a supplementary run takes only corrected failures (API.md). The
        // account goes to the bank as digits (the caseworker typed it in groups).
        var late = await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", new
        {
            procedure = "dibao", regionCode = Seed.Village,
            applicant = new { name = "李四", idNumber = IdNumbers.Next(), bankAccount = "6217 0000 1111 2222 333" },
            household = new { members = new[] { new { name = "李四", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 0 } } },
        }, HttpStatusCode.Created);
        var lateView = await ReviewAsync(host, late["id"]!.GetValue<string>(), new { outcome = "approve" });
        var owed = Assert.Single(lateView["payments"]!.AsArray())!;
        Assert.Equal(("2026-02", 600m, "pending"), (owed["period"]!.GetValue<string>(), owed["amount"]!.GetValue<decimal>(),
            owed["status"]!.GetValue<string>()));
        await Api.ExpectProblem(await (await host.LoginAsync("finance")).PostAsync("/api/payroll-runs",
            new { regionCode = Seed.County, period = "2026-02", supplementary = true }), HttpStatusCode.Conflict);
        await ReviewAsync(host, late["id"]!.GetValue<string>(), new { outcome = "exit", comment = "迁出本县" });

        await admin.PostOk("/api/test/clock", new { now = FirstOf(3) });
        var march = await (await host.LoginAsync("finance")).PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-03" },
            HttpStatusCode.Created);
        Assert.Equal((2, 1200m), (march["count"]!.GetValue<int>(), march["total"]!.GetValue<decimal>()));
        var accounts = (await (await host.LoginAsync("finance")).GetOk($"/api/payroll-runs/{march["id"]}/payments"))["items"]!.AsArray()
            .Select(p => (p!["period"]!.GetValue<string>(), p["bankAccount"]!.GetValue<string>())).OrderBy(p => p.Item1).ToList();
        Assert.Equal([("2026-02", "6217***********2333"), ("2026-03", "6222***********3445")], accounts);
        var changed = await ReviewAsync(host, caseId, new { outcome = "change", data = new { amount = 700 } });
        Assert.Equal(700m, changed["benefit"]!["monthlyAmount"]!.GetValue<decimal>());
        var exiting = await ReviewAsync(host, caseId, new { outcome = "gradual-exit" });
        Assert.Equal("2026-04", exiting["benefit"]!["until"]!.GetValue<string>()); // one more month after March

        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(4) });
        await RunAsync(host, "2026-04", expected: 700m);
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(5) });
        // May: the exit's last month has passed, so the county has nothing to pay.
        await Api.ExpectProblem(await (await host.LoginAsync("finance")).PostAsync("/api/payroll-runs",
            new { regionCode = Seed.County, period = "2026-05" }), HttpStatusCode.Conflict);

        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var view = await township.GetOk($"/api/cases/{caseId}");
        Assert.Equal([("2026-02", 600m), ("2026-03", 600m), ("2026-04", 700m)], view["payments"]!.AsArray()
            .Select(p => (p!["period"]!.GetValue<string>(), p["amount"]!.GetValue<decimal>())));
        Assert.Equal([1, 2, 3], view["payments"]!.AsArray().Select(p => p!["instalment"]!.GetValue<int>()));
        var listed = Assert.Single((await township.GetOk("/api/benefits?status=active"))["items"]!.AsArray())!; // 李四 has ended
        Assert.Equal((caseId, 700m, "2026-04"), (listed["caseId"]!.GetValue<string>(), listed["monthlyAmount"]!.GetValue<decimal>(),
            listed["until"]!.GetValue<string>()));
        Assert.Contains("********", listed["applicant"]!["idNumber"]!.GetValue<string>());

        var ended = await ReviewAsync(host, caseId, new { outcome = "exit", comment = "家庭人均收入超过标准" });
        // Its gradual exit had ended with April: the exit does not reopen May.
        Assert.Equal(("ended", "2026-04", "家庭人均收入超过标准"), (ended["benefit"]!["status"]!.GetValue<string>(),
            ended["benefit"]!["until"]!.GetValue<string>(), ended["benefit"]!["reason"]!.GetValue<string>()));
        Assert.Equal("closed", ended["status"]!.GetValue<string>());
    }

    /// <summary>API.md, Payments: <c>cancelled</c> when its benefit stopped before it was sent. A county may draw next month
    /// early; a benefit ended before that run goes to the bank leaves it, and the run's totals and approval follow.</summary>
    [Fact]
    public async Task A_benefit_ended_after_next_month_was_drawn_leaves_that_run_before_it_reaches_the_bank()
    {
        var (host, admin, _) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=22", Definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/dibao/publish?region=22");
        foreach (var (username, role) in new[] { ("finance", "finance-officer"), ("approver", "county-approver") })
            await admin.PostOk("/api/admin/users", new
            {
                username, password = Seed.Password, displayName = username, roles = new[] { role }, regionCode = Seed.County,
            }, HttpStatusCode.Created);
        var created = await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", new
        {
            procedure = "dibao", regionCode = Seed.Village,
            applicant = new { name = "赵六", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233445" },
            household = new { members = new[] { new { name = "赵六", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 0 } } },
        }, HttpStatusCode.Created);
        var caseId = created["id"]!.GetValue<string>();
        await ReviewAsync(host, caseId, new { outcome = "approve" });
        var finance = await host.LoginAsync("finance");
        await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-02" }, HttpStatusCode.Created);
        var march = await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-03" }, HttpStatusCode.Created);
        var marchId = march["id"]!.GetValue<string>();
        await (await host.LoginAsync("approver")).PostOk($"/api/payroll-runs/{marchId}/approve");

        var ended = await ReviewAsync(host, caseId, new { outcome = "exit", comment = "迁出本县" }); // in February
        string StatusOf(string period) =>
            ended["payments"]!.AsArray().Single(p => p!["period"]!.GetValue<string>() == period)!["status"]!.GetValue<string>();
        Assert.Equal(("pending", "cancelled"), (StatusOf("2026-02"), StatusOf("2026-03"))); // paid through the month of the exit
        var recounted = await finance.GetOk($"/api/payroll-runs/{marchId}");
        Assert.Equal((0, 0m, "draft"), (recounted["count"]!.GetValue<int>(), recounted["total"]!.GetValue<decimal>(),
            recounted["status"]!.GetValue<string>()));
        Assert.Equal(0, (await finance.GetOk($"/api/payroll-runs/{marchId}/payments"))["total"]!.GetValue<int>());
    }

    protected static async Task<JsonNode> ReviewAsync(ServiceHost host, string caseId, object completion)
    {
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var task = (await township.GetOk($"/api/cases/{caseId}"))["openTasks"]![0]!;
        await township.PostOk($"/api/tasks/{task["id"]}/complete", completion);
        return await township.GetOk($"/api/cases/{caseId}");
    }

    private static async Task RunAsync(ServiceHost host, string period, decimal expected)
    {
        var run = await (await host.LoginAsync("finance")).PostOk("/api/payroll-runs", new { regionCode = Seed.County, period },
            HttpStatusCode.Created);
        Assert.Equal((1, expected), (run["count"]!.GetValue<int>(), run["total"]!.GetValue<decimal>()));
        Assert.Equal("dibao", Assert.Single(run["byProcedure"]!.AsArray())!["procedure"]!.GetValue<string>());
    }
}

[Collection("postgres")]
public sealed class PostgresBenefitTests(PostgresFixture postgres) : BenefitSmokeTests
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();

    /// <summary>当月审批、当月发放 when the county draws its month at the very moment a benefit is granted: the grant waits for
    /// the run being drawn (its month lock) and, seeing it committed, owes the month as its own pending payment — the
    /// month is neither missed by both nor paid by both.</summary>
    [Fact]
    public async Task A_grant_while_the_month_is_being_drawn_waits_for_the_run_and_owes_the_month_itself()
    {
        var (host, admin, database) = await StartSeededAsync();
        await Api.Expect(await admin.PutAsync("/api/definitions/dibao/draft?region=22", Definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/dibao/publish?region=22");
        var created = await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", new
        {
            procedure = "dibao", regionCode = Seed.Village,
            applicant = new { name = "王五", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233445" },
            household = new { members = new[] { new { name = "王五", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 0 } } },
        }, HttpStatusCode.Created);

        // A run of February being drawn: it holds the month's lock until it commits.
        await using var drawing = new Npgsql.NpgsqlConnection(database);
        await drawing.OpenAsync();
        await using var run = await drawing.BeginTransactionAsync();
        await new Npgsql.NpgsqlCommand($"SELECT pg_advisory_xact_lock(hashtext('payroll-run {Seed.County} 2026-02'))", drawing, run)
            .ExecuteNonQueryAsync();
        var approving = ReviewAsync(host, created["id"]!.GetValue<string>(), new { outcome = "approve" });
        Assert.NotSame(approving, await Task.WhenAny(approving, Task.Delay(TimeSpan.FromSeconds(2)))); // it waits for the run
        await new Npgsql.NpgsqlCommand($"""
            INSERT INTO payroll_runs (id, region_code, period, supplementary, status, count, total_fen, by_procedure_json, created_by,
                                      created_at, paid_count, paid_fen, failed_count, failed_fen)
            VALUES (gen_random_uuid(), '{Seed.County}', '2026-02', false, 'draft', 1, 100, '[]', 'finance', now(), 0, 0, 0, 0)
            """, drawing, run).ExecuteNonQueryAsync();
        await run.CommitAsync();

        var approved = await approving;
        var owed = Assert.Single(approved["payments"]!.AsArray())!;
        Assert.Equal(("2026-02", 600m, "pending"), (owed["period"]!.GetValue<string>(), owed["amount"]!.GetValue<decimal>(),
            owed["status"]!.GetValue<string>()));
    }
}

public sealed class SqliteBenefitTests : BenefitSmokeTests
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();
}
