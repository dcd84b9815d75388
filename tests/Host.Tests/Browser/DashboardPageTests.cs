using System.Net;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Host.Tests.Browser;

/// <summary>The county's dashboard in Debian's Chromium: its charts drawn from the service's figures, and a statutory report
/// downloaded beside them.</summary>
public sealed class DashboardPageTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_county_officer_sees_cases_and_money_as_charts_and_downloads_the_monthly_form()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        foreach (var (username, role) in new[] { ("finance", "finance-officer"), ("approver", "county-approver"), ("statistician", "county-officer") })
            await admin.PostOk("/api/admin/users", new
            {
                username, password = Seed.Password, displayName = username, roles = new[] { role }, regionCode = Seed.County,
            }, HttpStatusCode.Created);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        foreach (var amount in new[] { 800m, 900m })
        {
            var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(requestedAmount: amount), HttpStatusCode.Created);
            var review = await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
            await township.PostOk($"/api/tasks/{review["openTasks"]![0]!["id"]}/complete", new { outcome = "approve" });
        }
        await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(requestedAmount: 700m), HttpStatusCode.Created); // still open
        // The month taken to the bank: its money is what the chart shows.
        var finance = await host.LoginAsync("finance");
        var run = await finance.PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-02" }, HttpStatusCode.Created);
        await (await host.LoginAsync("approver")).PostOk($"/api/payroll-runs/{run["id"]}/approve");
        Assert.Equal(HttpStatusCode.OK, (await finance.GetAsync($"/api/payroll-runs/{run["id"]}/bank-file?format=csv")).StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var page = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), "statistician", Seed.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "统计" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("统计");
        // Two series of bars for the cases (approved, open), one for the money of February.
        await Expect(page.GetByTestId("chart-cases").Locator(".recharts-bar-rectangle")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("chart-cases")).ToContainTextAsync("已批准");
        await Expect(page.GetByTestId("chart-money").Locator(".recharts-bar-rectangle")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("chart-money")).ToContainTextAsync("2026-02");
        await Expect(page.GetByTestId("chart-overdue")).ToContainTextAsync("没有逾期任务");

        await page.GetByLabel("月份").FillAsync("2026-02");
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "困难群众基本生活保障统计表（xlsx）" }).ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        Assert.True(new FileInfo((await download.PathAsync())!).Length > 1000);
    }
}
