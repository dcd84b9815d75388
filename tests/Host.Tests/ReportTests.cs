using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>统计报表 (API.md, Reports): Ningxia's monthly form (003 §六(四)) counted by hand for a county with known cases,
/// read back from the xlsx cell by cell; Huilong's screening ledger (002 attachments 1–3) in the seed's columns; the
/// payment ledger of a month.</summary>
public sealed class ReportTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static readonly DateTimeOffset March2 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>NX county 640104 in March 2026: a household of three newly in 低保 (the applicant back from migrant work), a
    /// 单人户 at 1.4 × the standard, emergency aid of 4200 and 1050, and 20,000 yuan the county added to a township's fund.</summary>
    private static async Task<ServiceHost> NingxiaMarchAsync(ReportTests test)
    {
        var (host, admin, _) = await test.StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        await admin.PostOk("/api/test/clock", new { now = March2 });
        var caseworker = await host.LoginAsync("64-village-caseworker");
        var household = (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Ningxia), System.Text.Json.JsonSerializerOptions.Web)!;
        household["data"]!["unemployedOrReturnee"] = true;
        var single = new
        {
            procedure = "dibao", regionCode = Ningxia.Village,
            applicant = new { name = "孙立", idNumber = IdNumbers.Next(), bankAccount = "6222020200112233447" },
            household = new
            {
                // (300 + 1660) ÷ 2 = 980 = 1.4 × 700: in NX's 1.5 × band; the applicant has a grade-2 disability.
                members = new object[]
                {
                    new { name = "孙立", idNumber = IdNumbers.Next(), relation = "self", monthlyIncome = 300, age = 40, disabilityGrade = 2 },
                    new { name = "周华", idNumber = IdNumbers.Next(), relation = "spouse", monthlyIncome = 1660, age = 41 },
                },
            },
            data = new { residence = "urban", singlePerson = true },
        };
        var dibao = new List<JsonNode>
        {
            await caseworker.PostOk("/api/cases", household, HttpStatusCode.Created),
            await caseworker.PostOk("/api/cases", single, HttpStatusCode.Created),
        };
        foreach (var created in dibao)
        {
            await CompleteAsync(host, Ningxia, "village-caseworker", "home-visit", new { outcome = "confirm" }, created);
            await CompleteAsync(host, Ningxia, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = false } }, created);
        }
        foreach (var (aidType, individual) in new[] { ("emergency", false), ("emergency", true) })
        {
            var aid = await caseworker.PostOk("/api/cases", TemporaryAidScenarioTests.Application(Ningxia, aidType, 1, individual), HttpStatusCode.Created);
            await CompleteAsync(host, Ningxia, "township-approver", "township-review", new { outcome = "approve" }, aid);
        }
        await (await host.LoginAsync("64-finance-officer")).PostOk($"/api/reserve-funds/{Ningxia.Township}/allocations",
            new { amount = 20000, note = "三月追加" }, HttpStatusCode.Created);
        await admin.PostOk("/api/test/clock", new { now = March2.AddDays(14) }); // the notices have run
        foreach (var created in dibao)
            await CompleteAsync(host, Ningxia, "township-approver", "approval", new { outcome = "approve" }, created);
        return host;
    }

    [Fact]
    public async Task Ningxias_monthly_form_gives_the_figures_counted_by_hand_in_json_and_in_the_xlsx()
    {
        var host = await NingxiaMarchAsync(this);
        var admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        await Api.ExpectProblem(await admin.GetAsync("/api/reports/monthly-statistics?regionCode=64&period=2026-13"), HttpStatusCode.UnprocessableEntity, "period");
        await Api.ExpectProblem(await admin.GetAsync("/api/reports/monthly-statistics?regionCode=64&period=2027-01"), HttpStatusCode.UnprocessableEntity, "period");
        await Api.ExpectProblem(await (await host.LoginAsync("64-county-officer")).GetAsync("/api/reports/monthly-statistics?regionCode=64&period=2026-03"),
            HttpStatusCode.Forbidden); // the province is beyond a county officer's jurisdiction

        var report = await admin.GetOk("/api/reports/monthly-statistics?regionCode=64&period=2026-03");
        var row = Assert.Single(report["rows"]!.AsArray())!;
        // New 低保: 3 + 1 people; of whom 1 a 单人户 and 3 back from migrant work; aid 2 times, 4200 + 1050 = 5250 yuan = 0.525
        // 万元, 0.53 to 2 decimals; no migrant-worker aid; 20,000 yuan = 2.00 万元 added by the county.
        Assert.Equal(("640104", 4, 1, 3, 2, 0.53m, 0, 0m, 2.00m), (row["regionCode"]!.GetValue<string>(), row["newDibaoPeople"]!.GetValue<int>(),
            row["newDibaoSinglePersonSevere"]!.GetValue<int>(), row["newDibaoUnemployed"]!.GetValue<int>(),
            row["epidemicTemporaryAidCases"]!.GetValue<int>(), row["epidemicTemporaryAidFunds"]!.GetValue<decimal>(),
            row["migrantWorkerAidPeople"]!.GetValue<int>(), row["migrantWorkerAidFunds"]!.GetValue<decimal>(),
            row["localFundsAdded"]!.GetValue<decimal>()));
        Assert.Equal(4, report["totals"]!["newDibaoPeople"]!.GetValue<int>());
        var february = await admin.GetOk("/api/reports/monthly-statistics?regionCode=64&period=2026-02");
        Assert.Equal(0, february["rows"]![0]!["newDibaoPeople"]!.GetValue<int>());

        var xlsx = await admin.GetAsync("/api/reports/monthly-statistics?regionCode=64&period=2026-03&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var sheet = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var cells = sheet.Query(useHeaderRow: false).Cast<IDictionary<string, object?>>().Select(r => r.Values.ToArray()).ToList();
        Assert.Equal("困难群众基本生活保障有关工作开展情况统计表", cells[0][0]);
        Assert.Equal("（2026年3月）", cells[1][0]);
        Assert.Equal("填表单位：宁夏回族自治区64", cells[2][0]);
        Assert.Equal(["县（区）", "新增低保对象"], cells[3][..2].Select(c => c?.ToString()));
        Assert.Equal(["人数", "人数", "人数", "人次", "支出资金（万元）", "人数", "支出资金（万元）", "万元"], cells[4][1..9].Select(c => c?.ToString()));
        Assert.Equal(["宁夏回族自治区640104", "4", "1", "3", "2", "0.53", "0", "0", "2"], cells[5][..9].Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("合计", cells[6][0]);
    }

    [Fact]
    public async Task The_payment_ledger_of_a_month_lists_its_payments_with_id_numbers_whole_only_for_finance()
    {
        var host = await NingxiaMarchAsync(this);
        async Task<List<string[]>> CsvAsync(string user)
        {
            var response = await (await host.LoginAsync(user)).GetAsync($"/api/reports/payments?regionCode={Ningxia.County}&period=2026-03&format=csv");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(','))];
        }
        var finance = await CsvAsync("64-finance-officer");
        Assert.Equal(["序号", "付款编号", "乡镇（街道）", "村（社区）", "姓名", "身份证号", "项目", "期间", "金额（元）", "状态", "发放批次", "结果时间", "失败原因"],
            finance[0]);
        Assert.Equal(3, finance.Count); // the two aids of March; 低保 is paid by the month's run, not drawn yet
        Assert.Equal(["1050.00", "4200.00"], finance.Skip(1).Select(r => r[8]).Order());
        Assert.All(finance.Skip(1), r => Assert.Equal(("临时救助", "2026-03", "待发送"), (r[6], r[7], r[9])));
        Assert.DoesNotContain("*", finance[1][5]);
        var approver = await CsvAsync("64-county-approver");
        Assert.Contains("********", approver[1][5]);
    }

    [Fact]
    public async Task Huilongs_screening_ledger_has_the_seeds_columns_in_order_a_line_per_member()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        var application = (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(Application(Chongqing), System.Text.Json.JsonSerializerOptions.Web)!;
        application["data"]!["povertyStatus"] = "unlifted";
        application["data"]!["povertyCause"] = "因病";
        application["applicant"]!["phone"] = "13800001234";
        await (await host.LoginAsync("50-village-caseworker")).PostOk("/api/cases", application, HttpStatusCode.Created);
        await (await host.LoginAsync("50-village-caseworker")).PostOk("/api/cases", Application(Chongqing), HttpStatusCode.Created); // not registered-poor

        var response = await (await host.LoginAsync("50-township-officer")).GetAsync($"/api/reports/screening-ledger?regionCode={Chongqing.Township}&population=unlifted&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var sheet = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var cells = sheet.Query(useHeaderRow: false).Cast<IDictionary<string, object?>>().Select(r => r.Values.Select(v => v?.ToString() ?? "").ToArray()).ToList();
        Assert.Equal("“未脱贫建档立卡贫困人口”社会救助兜底脱贫调查摸排台账", cells[0][0]);
        Assert.Equal(["序号", "乡镇", "所属村组", "姓名", "身份证号码", "家庭人数", "与户主关系", "健康状况", "致贫原因", "家庭人均月纯收入（元）",
            "目前享受救助类型", "联系电话", "通过排查拟纳入救助", "未纳入原因"], cells[2]);
        var lines = cells.Skip(3).ToList();
        Assert.Equal(3, lines.Count); // one household of three
        Assert.Equal(["1", "重庆市500155001", "重庆市500155001001", "张三丰"], lines[0][..4]);
        Assert.Equal(["3", "户主", "健康", "因病"], lines[0][5..9]);
        Assert.Equal(["无", "13800001234", "是", ""], lines[0][10..14]);
        Assert.Equal(("配偶", "重病", ""), (lines[1][6], lines[1][7], lines[1][11]));
        Assert.DoesNotContain("*", lines[0][4]); // the township officer checks identity: the number whole
        await Api.ExpectProblem(await admin.GetAsync("/api/reports/screening-ledger?regionCode=50&population=poor"), HttpStatusCode.UnprocessableEntity, "population");
    }
}
