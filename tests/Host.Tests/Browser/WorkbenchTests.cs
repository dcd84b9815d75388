using System.Net;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Host.Tests.Browser;

/// <summary>The officials' workbench in a real browser (Debian Chromium), against a real Host and PostgreSQL.</summary>
public sealed class WorkbenchTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    [Fact]
    public async Task The_township_sees_the_review_appear_the_moment_the_village_check_is_done()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        await Seed.RunAsync(host);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var caseworker = await Browsers.LogInAsync(await Browsers.PhoneAsync(browser, host.Address!), Seed.Caseworker, Seed.Password);
        var township = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), Seed.TownshipOfficer, Seed.Password);

        // An application accepted at the window arrives in the caseworker's open page.
        var api = await host.LoginAsync(Seed.Caseworker);
        await api.PostOk("/api/cases", Seed.MigrantWorkerApplication(name: "王小明", requestedAmount: 900), HttpStatusCode.Created);
        var villageTask = caseworker.Locator("[data-testid=task][data-step=village-check]");
        await Expect(villageTask).ToBeVisibleAsync();
        // Created Friday 13 February 2026: 3 working days, across the Spring Festival, end on 25 February.
        await Expect(villageTask).ToContainTextAsync("剩 3 个工作日（2月25日到期）");

        await villageTask.ClickAsync();
        await Expect(caseworker.GetByText("王小明")).ToBeVisibleAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "认领", Exact = true }).ClickAsync();
        await Expect(villageTask).ToContainTextAsync($"{Seed.Caseworker} 已认领");
        // A refusal needs a written reason: its button waits for one.
        await Expect(caseworker.GetByRole(AriaRole.Button, new() { Name = "情况不属实" })).ToBeDisabledAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "情况属实", Exact = true }).ClickAsync();
        await Expect(villageTask).ToHaveCountAsync(0);

        // No reload: the township's page is told.
        var review = township.Locator("[data-testid=task][data-step=township-review]");
        await Expect(review).ToBeVisibleAsync();
        await Expect(review).ToContainTextAsync("2月24日到期");
        await review.ClickAsync();
        await township.GetByLabel("核定金额（元）").FillAsync("1200");
        await township.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();
        await Expect(township.GetByRole(AriaRole.Alert)).ToContainTextAsync("data.amount");
        await township.GetByLabel("核定金额（元）").FillAsync("800");
        await township.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();
        await Expect(review).ToHaveCountAsync(0);

        var cases = await api.GetOk("/api/cases");
        Assert.Equal("approved", cases["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(800m, cases["items"]![0]!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task An_emergency_responder_pays_first_and_the_paperwork_task_appears_with_its_deadline()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        await admin.PostOk("/api/admin/users", new
        {
            username = "responder", password = Seed.Password, displayName = "应急救助员",
            roles = new[] { "emergency-responder" }, regionCode = Seed.Township,
        }, HttpStatusCode.Created);
        await Seed.AllocateReserveFundAsync(host, Seed.Township, 10000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var responder = await Browsers.LogInAsync(await Browsers.PhoneAsync(browser, host.Address!), "responder", Seed.Password);
        var township = await Browsers.LogInAsync(await Browsers.DesktopAsync(browser, host.Address!), Seed.TownshipOfficer, Seed.Password);

        await responder.GetByRole(AriaRole.Button, new() { Name = "先行救助", Exact = true }).ClickAsync();
        await responder.GetByLabel("事发地区划代码").FillAsync(Seed.Village);
        await responder.GetByLabel("救助对象姓名").FillAsync("赵六");
        await responder.GetByLabel("身份证号码").FillAsync("220102198001010011"); // wrong check digit
        await responder.GetByLabel("救助金额（元）").FillAsync("800");
        await responder.GetByLabel("救助事由").FillAsync("房屋失火，生活无着");
        await responder.GetByRole(AriaRole.Button, new() { Name = "先行救助并发放" }).ClickAsync();
        await Expect(responder.GetByText("校验位错误")).ToBeVisibleAsync();

        await responder.GetByLabel("身份证号码").FillAsync(Testing.IdNumbers.Next());
        await responder.GetByRole(AriaRole.Button, new() { Name = "先行救助并发放" }).ClickAsync();
        await Expect(responder.GetByRole(AriaRole.Status)).ToContainTextAsync("已从备用金当场发放 800 元");
        // 10 working days from Friday 13 February 2026 across the Spring Festival: due at the end of 5 March.
        await Expect(responder.GetByText("剩 10 个工作日（3月5日到期）")).ToBeVisibleAsync();

        var paperwork = township.Locator("[data-testid=task][data-step=documents]");
        await Expect(paperwork).ToBeVisibleAsync();
        await Expect(paperwork).ToContainTextAsync("剩 10 个工作日（3月5日到期）");
    }
}
