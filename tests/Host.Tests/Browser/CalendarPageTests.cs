using System.Net;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Host.Tests.Browser;

/// <summary>A system admin loads next year's holiday notice from the browser; the officials' provisional deadlines turn
/// into real ones on their open pages.</summary>
public sealed class CalendarPageTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task An_admin_pastes_next_year_and_a_provisional_deadline_in_an_open_inbox_becomes_final()
    {
        var newYearsEve = new DateTimeOffset(2026, 12, 30, 10, 0, 0, TimeSpan.FromHours(8));
        var host = StartOn(await NewDatabaseAsync(), newYearsEve, kestrel: true);
        await Seed.RunAsync(host);
        await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var caseworker = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), Seed.Caseworker, Seed.Password);
        var task = caseworker.Locator("[data-testid=task][data-step=village-check]");
        await Expect(task).ToContainTextAsync("1月4日到期）（暂定）");

        var admin = await (await Browsers.DesktopAsync(browser, host.Address!)).NewPageAsync();
        await admin.GotoAsync("/");
        await admin.GetByLabel("用户名").FillAsync(ServiceHost.AdminUser);
        await admin.GetByLabel("密码").FillAsync(ServiceHost.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "节假日" }).ClickAsync();
        await Expect(admin.GetByTestId("horizon")).ToContainTextAsync("已导入至 2026-12-31（剩 1 天）");
        await Expect(admin.GetByTestId("calendar-year")).ToHaveCountAsync(2);

        // A make-up day on a Tuesday is refused with the field and the rule; nothing is stored.
        await admin.GetByLabel("年度").FillAsync("2027");
        await admin.GetByLabel("放假安排").FillAsync("""{"holidays":[["2027-01-01","2027-01-04","元旦"]],"workdays":["2027-01-05"]}""");
        await admin.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Alert)).ToContainTextAsync("workdays[0]");
        await Expect(admin.GetByTestId("calendar-year")).ToHaveCountAsync(2);

        await admin.GetByLabel("放假安排").FillAsync("""{"holidays":[["2027-01-01","2027-01-04","元旦"]],"workdays":["2027-01-09"]}""");
        await admin.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("2027 年已保存，重算");
        await Expect(admin.GetByTestId("calendar-year")).ToHaveCountAsync(3);
        await Expect(admin.GetByTestId("horizon")).ToContainTextAsync("已导入至 2027-12-31");

        // The caseworker's page is told without a reload: Thursday 31 December, Tuesday 5 and Wednesday 6 January.
        await Expect(task).ToContainTextAsync("1月6日到期）");
        await Expect(task).Not.ToContainTextAsync("暂定");
    }
}
