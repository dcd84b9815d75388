using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>
/// A county's month through the bank (API.md, Payroll runs): the run drawn up from the county's pending payments, approved
/// by a second official, the bank file downloaded (twice, the same bytes), the bank's return imported (twice, the same
/// counts), reconciled. DOMAIN.md, Disbursement: four eyes before anything leaves, a batch file with control totals, the
/// bank's answer per row, failed rows corrected and paid in a supplementary batch of the same month, GBK or xlsx for bank
/// front-ends. Runs on PostgreSQL and, as the smoke part, on SQLite.
/// </summary>
public abstract class PayrollRunSmokeTests : HostedTest
{
    private const string Finance = "finance";
    private const string Approver = "approver";
    private const string Period = "2026-02";

    private async Task<(ServiceHost Host, Api Finance, Api Approver, List<string> PaymentIds)> CountyWithApprovedAidAsync()
    {
        var (host, admin, _) = await StartSeededAsync();
        // The finance officer may also approve, but never a run of their own (四眼原则).
        await admin.PostOk("/api/admin/users", new
        {
            username = Finance, password = Seed.Password, displayName = "县财务", roles = new[] { "finance-officer", "county-approver" },
            regionCode = Seed.County,
        }, HttpStatusCode.Created);
        await admin.PostOk("/api/admin/users", new
        {
            username = Approver, password = Seed.Password, displayName = "县审批", roles = new[] { "county-approver" }, regionCode = Seed.County,
        }, HttpStatusCode.Created);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var ids = new List<string>();
        foreach (var amount in new[] { 800m, 900m, 1000m })
            ids.Add(await ApproveAidAsync(caseworker, township, Seed.MigrantWorkerApplication(requestedAmount: amount)));
        return (host, await host.LoginAsync(Finance), await host.LoginAsync(Approver), ids);
    }

    private static async Task<string> ApproveAidAsync(Api caseworker, Api township, object application)
    {
        var created = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
        var review = await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
        var done = await township.PostOk($"/api/tasks/{review["openTasks"]![0]!["id"]}/complete", new { outcome = "approve" });
        return done["payments"]![0]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_month_goes_to_the_bank_once_comes_back_and_is_reconciled()
    {
        var (host, finance, approver, paymentIds) = await CountyWithApprovedAidAsync();

        var run = await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = Period }, HttpStatusCode.Created);
        var runId = run["id"]!.GetValue<string>();
        Assert.Equal(("draft", 3, 2700m, 0), (run["status"]!.GetValue<string>(), run["count"]!.GetValue<int>(),
            run["total"]!.GetValue<decimal>(), run["withoutBankAccount"]!.GetValue<int>()));
        var byProcedure = Assert.Single(run["byProcedure"]!.AsArray())!;
        Assert.Equal(("migrant-worker-aid", 3, 2700m), (byProcedure["procedure"]!.GetValue<string>(), byProcedure["count"]!.GetValue<int>(),
            byProcedure["total"]!.GetValue<decimal>()));
        var second = await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.County, period = Period }),
            HttpStatusCode.Conflict);
        Assert.Contains(runId, second["detail"]!.GetValue<string>());

        await Api.ExpectProblem(await finance.GetAsync($"/api/payroll-runs/{runId}/bank-file"), HttpStatusCode.Conflict);
        await Api.ExpectProblem(await finance.PostAsync($"/api/payroll-runs/{runId}/approve"), HttpStatusCode.Forbidden);
        Assert.Equal("approved", (await approver.PostOk($"/api/payroll-runs/{runId}/approve"))["status"]!.GetValue<string>());
        Assert.Equal("approved", (await approver.PostOk($"/api/payroll-runs/{runId}/approve"))["status"]!.GetValue<string>());
        await Api.ExpectProblem(await approver.GetAsync($"/api/payroll-runs/{runId}/bank-file"), HttpStatusCode.Forbidden);

        var (file, headers) = await DownloadAsync(finance, runId);
        Assert.Equal("3", headers.GetValues("X-Batch-Count").Single());
        Assert.Equal("2700.00", headers.GetValues("X-Batch-Total").Single());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), headers.GetValues("X-Content-SHA256").Single());
        var lines = Encoding.UTF8.GetString(file).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("序号,付款编号,姓名,身份证号,银行账号,金额,摘要", lines[0]);
        Assert.Equal(4, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(("1", paymentIds[0], "张三", "6222020200112233445", "800.00", "临时救助金2026-02"),
            (first[0], first[1], first[2], first[4], first[5], first[6]));
        Assert.Equal(18, first[3].Length);
        Assert.Equal(file, (await DownloadAsync(finance, runId)).File);
        // For bank front-ends that want GBK, and as a workbook.
        var gbk = await finance.GetAsync($"/api/payroll-runs/{runId}/bank-file?format=csv&encoding=gbk");
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Assert.StartsWith("序号,付款编号,姓名", Encoding.GetEncoding("GBK").GetString(await gbk.Content.ReadAsByteArrayAsync()));
        Assert.NotEqual(file, await gbk.Content.ReadAsByteArrayAsync());
        var xlsx = await finance.GetAsync($"/api/payroll-runs/{runId}/bank-file?format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var workbook = await xlsx.Content.ReadAsByteArrayAsync();
        var sheet = MiniExcelLibs.MiniExcel.Query(new MemoryStream(workbook), useHeaderRow: true)
            .Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3, sheet.Count);
        Assert.Equal((paymentIds[0], "6222020200112233445"), (sheet[0]["付款编号"]?.ToString(), sheet[0]["银行账号"]?.ToString()));
        Assert.Equal("800.00", sheet[0]["金额"]?.ToString()); // yuan with 2 decimals (API.md), as in the CSV
        Assert.Equal("3", xlsx.Headers.GetValues("X-Batch-Count").Single());
        await Api.ExpectProblem(await finance.GetAsync($"/api/payroll-runs/{runId}/bank-file?format=pdf"), HttpStatusCode.UnprocessableEntity, "format");
        Assert.Equal("sent", (await finance.GetOk($"/api/payroll-runs/{runId}"))["status"]!.GetValue<string>());
        Assert.Equal(4, (await finance.GetOk($"/api/payroll-runs/{runId}"))["downloads"]!.AsArray().Count);
        Assert.Equal(3, (await finance.GetOk($"/api/payroll-runs/{runId}/payments?status=sent"))["total"]!.GetValue<int>());

        // The bank pays the first, refuses the second, and answers the third with another amount; one row is of no run.
        var answer = $"""
            付款编号,银行账号,金额,结果,失败原因
            {paymentIds[0]},6222020200112233445,800.00,成功,
            {paymentIds[1]},6222020200112233445,900.00,失败,账户已销户
            {paymentIds[2]},6222020200112233445,999.00,成功,
            {Guid.NewGuid()},6222020200112233445,1.00,成功,
            """;
        var imported = await ReturnAsync(finance, runId, answer, HttpStatusCode.OK);
        Assert.Equal((1, 1, 1, 1, "sent"), Counts(imported));
        Assert.Equal((1, 1, 1, 1, "sent"), Counts(await ReturnAsync(finance, runId, answer, HttpStatusCode.OK)));
        var failed = Assert.Single((await finance.GetOk($"/api/payroll-runs/{runId}/payments?status=failed"))["items"]!.AsArray())!;
        Assert.Equal(("账户已销户", "6222***********3445"), (failed["failureReason"]!.GetValue<string>(), failed["bankAccount"]!.GetValue<string>()));
        Assert.Contains("********", failed["payeeIdNumber"]!.GetValue<string>());

        // The bank writes the account in groups: compared as the digits it was sent with.
        var rest = $"""
            付款编号,银行账号,金额,结果,失败原因
            {paymentIds[2]},6222 0202 0011 2233 445,1000.00,成功,
            """;
        Assert.Equal((1, 0, 0, 0, "reconciled"), Counts(await ReturnAsync(finance, runId, rest, HttpStatusCode.OK)));
        var reconciled = await finance.GetOk($"/api/payroll-runs/{runId}");
        Assert.Equal((2, 1800m, 1, 900m), (reconciled["paid"]!["count"]!.GetValue<int>(), reconciled["paid"]!["total"]!.GetValue<decimal>(),
            reconciled["failed"]!["count"]!.GetValue<int>(), reconciled["failed"]!["total"]!.GetValue<decimal>()));
        Assert.Equal(2, reconciled["returns"]!.AsArray().Count); // the same file twice is one return
        // No account has been corrected yet: a supplementary run has nothing to take, and is not created.
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.County, period = Period, supplementary = true }),
            HttpStatusCode.Conflict);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var payment = (await caseworker.GetOk($"/api/cases/{failed["caseId"]}"))["payments"]![0]!;
        Assert.Equal(("failed", runId), (payment["status"]!.GetValue<string>(), payment["runId"]!.GetValue<string>()));

        // The failure is in the village caseworker's inbox; the corrected account is paid in a supplementary run of February.
        var correction = Assert.Single((await caseworker.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["step"]!.GetValue<string>() == "bank-account-correction")!;
        Assert.Equal(failed["caseId"]!.GetValue<string>(), correction["caseId"]!.GetValue<string>());
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/tasks/{correction["id"]}/complete",
            new { outcome = "corrected", data = new { bankAccount = "6222-abc" } }), HttpStatusCode.UnprocessableEntity, "data.bankAccount");
        await caseworker.PostOk($"/api/tasks/{correction["id"]}/complete", new { outcome = "corrected", data = new { bankAccount = "6217000011112222333" } });
        var history = (await caseworker.GetOk($"/api/cases/{failed["caseId"]}"))["history"]!.AsArray();
        Assert.Contains(history, h => h!["action"]!.GetValue<string>() == "bank-payment-failed");
        Assert.DoesNotContain("6217000011112222333", history.ToJsonString());

        var supplementary = await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = Period, supplementary = true },
            HttpStatusCode.Created);
        var supplementaryId = supplementary["id"]!.GetValue<string>();
        Assert.Equal((1, 900m), (supplementary["count"]!.GetValue<int>(), supplementary["total"]!.GetValue<decimal>()));
        await approver.PostOk($"/api/payroll-runs/{supplementaryId}/approve");
        var resent = Encoding.UTF8.GetString((await DownloadAsync(finance, supplementaryId)).File).Split("\r\n")[1].Split(',');
        Assert.Equal((paymentIds[1], "6217000011112222333", "900.00"), (resent[1], resent[4], resent[5]));
        Assert.Equal((1, 0, 0, 0, "reconciled"), Counts(await ReturnAsync(finance, supplementaryId, $"""
            付款编号,银行账号,金额,结果,失败原因
            {paymentIds[1]},6217000011112222333,900.00,成功,
            """, HttpStatusCode.OK)));
        // The first run's return, imported again after the supplementary run took its failure away, answers as it did
        // and leaves the first run's record as the bank gave it.
        Assert.Equal((1, 1, 1, 1, "reconciled"), Counts(await ReturnAsync(finance, runId, answer, HttpStatusCode.OK)));
        var firstRun = await finance.GetOk($"/api/payroll-runs/{runId}");
        Assert.Equal((2, 1, 2), (firstRun["paid"]!["count"]!.GetValue<int>(), firstRun["failed"]!["count"]!.GetValue<int>(),
            firstRun["returns"]!.AsArray().Count));
        payment = (await caseworker.GetOk($"/api/cases/{failed["caseId"]}"))["payments"]![0]!;
        Assert.Equal(("paid", supplementaryId), (payment["status"]!.GetValue<string>(), payment["runId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_bad_return_is_refused_whole_naming_the_row_and_a_bad_run_naming_the_field()
    {
        var (_, finance, approver, paymentIds) = await CountyWithApprovedAidAsync();
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.Township, period = Period }),
            HttpStatusCode.UnprocessableEntity, "regionCode");
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-13" }),
            HttpStatusCode.UnprocessableEntity, "period");
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-06" }),
            HttpStatusCode.UnprocessableEntity, "period"); // the clock is in February
        await Api.ExpectProblem(await finance.PostAsync("/api/payroll-runs", new { regionCode = "220103", period = Period }),
            HttpStatusCode.Forbidden);

        var runId = (await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = Period }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        await ReturnAsync(finance, runId, "付款编号,银行账号,金额,结果,失败原因\n", HttpStatusCode.Conflict); // not sent yet
        await approver.PostOk($"/api/payroll-runs/{runId}/approve");
        await DownloadAsync(finance, runId);

        var problem = await ReturnAsync(finance, runId, "付款编号,账号,金额,结果,失败原因\n", HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["columns"]);
        problem = await ReturnAsync(finance, runId, $"""
            付款编号,银行账号,金额,结果,失败原因
            {paymentIds[0]},6222020200112233445,八百,成功,
            {paymentIds[1]},6222020200112233445,900.00,失败,
            {paymentIds[1]},6222020200112233445,900.00,成功,
            """, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("rows[1].金额"), errors.ToJsonString());
        Assert.True(errors.ContainsKey("rows[2].失败原因"), errors.ToJsonString());
        Assert.True(errors.ContainsKey("rows[3].付款编号"), errors.ToJsonString());
        // Nothing of it was applied.
        Assert.Equal(3, (await finance.GetOk($"/api/payroll-runs/{runId}/payments?status=sent"))["total"]!.GetValue<int>());
    }

    private static (int, int, int, int, string) Counts(JsonNode r) => (r["paid"]!.GetValue<int>(), r["failed"]!.GetValue<int>(),
        r["unmatched"]!.GetValue<int>(), r["mismatched"]!.GetValue<int>(), r["runStatus"]!.GetValue<string>());

    private static async Task<(byte[] File, HttpResponseHeaders Headers)> DownloadAsync(Api finance, string runId)
    {
        var response = await finance.GetAsync($"/api/payroll-runs/{runId}/bank-file?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers);
    }

    private static async Task<JsonNode> ReturnAsync(Api finance, string runId, string csv, HttpStatusCode status)
    {
        var content = new StringContent(csv.Replace("\r\n", "\n"), Encoding.UTF8, "text/csv");
        return await Api.Expect(await finance.Http.PostAsync($"/api/payroll-runs/{runId}/bank-return", content), status);
    }
}

[Collection("postgres")]
public sealed class PostgresPayrollRunTests(PostgresFixture postgres) : PayrollRunSmokeTests
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();
}

public sealed class SqlitePayrollRunTests : PayrollRunSmokeTests
{
    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();
}
