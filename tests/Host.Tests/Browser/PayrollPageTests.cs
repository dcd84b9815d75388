using System.Net;
using System.Text;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Host.Tests.Browser;

/// <summary>A county's month driven through from the finance officer's screen: drawn up, approved by a second official
/// in another browser, the bank file downloaded, the bank's return uploaded, the failure shown; a reserve fund topped up.</summary>
public sealed class PayrollPageTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_finance_officer_takes_a_month_to_the_bank_and_back()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        foreach (var (username, role) in new[] { ("finance", "finance-officer"), ("approver", "county-approver") })
            await admin.PostOk("/api/admin/users", new
            {
                username, password = Seed.Password, displayName = username, roles = new[] { role }, regionCode = Seed.County,
            }, HttpStatusCode.Created);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        foreach (var amount in new[] { 800m, 900m, 1000m })
        {
            var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(requestedAmount: amount), HttpStatusCode.Created);
            var review = await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
            await township.PostOk($"/api/tasks/{review["openTasks"]![0]!["id"]}/complete", new { outcome = "approve" });
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var finance = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), "finance", Seed.Password);
        await finance.GetByRole(AriaRole.Button, new() { Name = "资金发放" }).ClickAsync();
        await finance.GetByLabel("发放月份").FillAsync("2026-02");
        await finance.GetByRole(AriaRole.Button, new() { Name = "生成批次" }).ClickAsync();
        await Expect(finance.GetByTestId("run")).ToContainTextAsync("待审核");
        await Expect(finance.GetByTestId("run-detail")).ToContainTextAsync("合计 3 笔 2,700.00 元");
        // The creator has no approve button, and no bank file before approval.
        await Expect(finance.GetByRole(AriaRole.Button, new() { Name = "审核通过" })).ToHaveCountAsync(0);
        await Expect(finance.GetByRole(AriaRole.Button, new() { Name = "下载银行文件（CSV）" })).ToHaveCountAsync(0);

        var approver = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), "approver", Seed.Password);
        await approver.GetByRole(AriaRole.Button, new() { Name = "资金发放" }).ClickAsync();
        await approver.GetByTestId("run").ClickAsync();
        await approver.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
        await Expect(approver.GetByTestId("run")).ToContainTextAsync("已审核");

        await finance.GetByTestId("run").ClickAsync();
        var download = await finance.RunAndWaitForDownloadAsync(() =>
            finance.GetByRole(AriaRole.Button, new() { Name = "下载银行文件（CSV）" }).ClickAsync());
        var rows = (await File.ReadAllLinesAsync((await download.PathAsync())!, Encoding.UTF8)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(3, rows.Count);
        Assert.EndsWith(".csv", download.SuggestedFilename);
        await Expect(finance.GetByTestId("run-detail")).ToContainTextAsync("已送银行");

        var answer = new StringBuilder("付款编号,银行账号,金额,结果,失败原因\n");
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            answer.Append($"{row[1]},{row[4]},{row[5]},{(i == 1 ? "失败,户名与账号不符" : "成功,")}\n");
        var returnFile = Path.Combine(Path.GetTempPath(), $"回盘-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(returnFile, answer.ToString());
        try
        {
            await finance.GetByLabel("银行回盘文件").SetInputFilesAsync(returnFile);
            await Expect(finance.GetByRole(AriaRole.Status)).ToContainTextAsync("回盘已导入：成功 2，失败 1，未匹配 0，不一致 0");
        }
        finally { File.Delete(returnFile); }
        await Expect(finance.GetByTestId("run-detail")).ToContainTextAsync("已对账");
        await Expect(finance.GetByTestId("failed-payment")).ToContainTextAsync("户名与账号不符");
        await Expect(finance.GetByTestId("failed-payment")).ToContainTextAsync("6222***********3445");

        await finance.GetByLabel("乡镇（街道）区划代码").FillAsync(Seed.Township);
        await finance.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(finance.GetByTestId("fund-balance")).ToHaveTextAsync("余额 0.00 元");
        await finance.GetByLabel("拨付金额（元）").FillAsync("5000");
        await finance.GetByRole(AriaRole.Button, new() { Name = "拨付" }).ClickAsync();
        await Expect(finance.GetByTestId("fund-balance")).ToHaveTextAsync("余额 5,000.00 元");
    }
}
