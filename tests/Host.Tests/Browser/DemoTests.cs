using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Host.Tests.Browser;

/// <summary>A newcomer's first hour (issue 20) in Debian Chromium: the demo as `--demo` starts it (the embedded database),
/// a caseworker filing a 低保 application through the form its definition declares, the township finding it, an admin
/// stopping an official, a resident objecting on the public board. With WRITE_SCREENSHOTS=1 the main screens are written
/// to docs/screens at desktop and phone width.</summary>
public sealed class DemoTests : HostedTest
{
    private const string Password = "demo-password-1";
    /// <summary>Thursday 3 December 2026, 10:00 Beijing time.</summary>
    private static readonly DateTimeOffset Today = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    protected override string Provider => "Sqlite";
    protected override Task<string> NewDatabaseAsync() => SqliteDatabases.NewAsync();

    private async Task<ServiceHost> StartDemoAsync() => StartOn(await NewDatabaseAsync(), Today,
        new() { ["Demo:Enabled"] = "true", ["Demo:Password"] = Password }, kestrel: true);

    private static readonly string? Screens = Environment.GetEnvironmentVariable("WRITE_SCREENSHOTS") == "1"
        ? Path.Combine(Repo.Root, "docs", "screens") : null;

    private static async Task ShotAsync(IPage page, string name)
    {
        if (Screens is null) return;
        Directory.CreateDirectory(Screens);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screens, $"{name}.png"), FullPage = false });
    }

    private static Task<IBrowserContext> WideAsync(IBrowser browser, Uri server) => browser.NewContextAsync(new()
    {
        BaseURL = server.ToString(), ViewportSize = new() { Width = 1400, Height = 850 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
    });

    [Fact]
    public async Task A_caseworker_files_a_dibao_application_with_two_members_and_the_township_finds_it()
    {
        var host = await StartDemoAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var caseworker = await Browsers.LogInAsync(await Browsers.PhoneAsync(browser, host.Address!), "jl-caseworker", Password);
        await ShotAsync(caseworker, "inbox-phone");

        // The form is the one the Jilin 低保 definition declares: its fields, its labels, its choices.
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "受理申请" }).ClickAsync();
        await caseworker.GetByLabel("救助事项").SelectOptionAsync(new SelectOptionValue { Label = "最低生活保障（吉林）" });
        await caseworker.GetByLabel("申请人姓名").FillAsync("韩梅梅");
        var id = caseworker.GetByLabel("申请人身份证号码");
        await id.FillAsync("2201021980");
        await Expect(caseworker.GetByText("还差 8 位")).ToBeVisibleAsync();
        await id.FillAsync("220102198001010011"); // the check digit is wrong: said as it is typed, before anything is sent
        await Expect(caseworker.GetByText("身份证号码校验位错误，请核对")).ToBeVisibleAsync();
        var applicantId = IdNumbers.Next("220102");
        await id.FillAsync(applicantId);
        await Expect(caseworker.GetByText("身份证号码校验位错误，请核对")).ToHaveCountAsync(0);
        await caseworker.GetByLabel("居住地类型").SelectOptionAsync(new SelectOptionValue { Label = "城市" });
        await caseworker.Locator("#member-0-monthlyIncome").FillAsync("600");
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "添加家庭成员" }).ClickAsync();
        await caseworker.Locator("#member-1-name").FillAsync("李雷");
        await caseworker.Locator("#member-1-idNumber").FillAsync(IdNumbers.Next("220102"));
        await caseworker.Locator("#member-1-relation").SelectOptionAsync(new SelectOptionValue { Label = "配偶" });
        // The service applies the form's rules too: a member's income is required.
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(caseworker.Locator("#member-1-monthlyIncome-note")).ToHaveTextAsync("月收入必填 (required)");
        await ShotAsync(caseworker, "application-phone");
        await caseworker.Locator("#member-1-monthlyIncome").FillAsync("300");
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(caseworker.GetByRole(AriaRole.Heading, new() { Name = "韩梅梅 · 最低生活保障" })).ToBeVisibleAsync();
        await Expect(caseworker.GetByTestId("case-status")).ToHaveTextAsync("办理中");
        await ShotAsync(caseworker, "case-phone");

        // What was sent is what the form said: two members, the applicant as self, numbers as numbers.
        var township = await host.LoginAsync("jl-township", Password);
        var found = await township.GetOk("/api/cases?q=韩梅梅");
        Assert.Equal(1, found["total"]!.GetValue<int>());
        var caseId = found["items"]![0]!["id"]!.GetValue<string>();
        Assert.Equal(applicantId[..6] + "********" + applicantId[^4..], found["items"]![0]!["applicant"]!["idNumber"]!.GetValue<string>());

        // The village's home visit, then the township's review with the applicant's name on the row.
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "← 返回" }).ClickAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "← 返回待办" }).ClickAsync();
        var visit = caseworker.Locator("[data-testid=task][data-step=home-visit]", new() { HasText = "韩梅梅" });
        await Expect(visit).ToBeVisibleAsync();
        await visit.ClickAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "认领", Exact = true }).ClickAsync();
        await caseworker.GetByRole(AriaRole.Button, new() { Name = "情况属实", Exact = true }).ClickAsync();
        await Expect(visit).ToHaveCountAsync(0);

        var desk = await Browsers.LogInAsync(await WideAsync(browser, host.Address!), "jl-township", Password);
        var review = desk.Locator("[data-testid=task][data-step=township-review]", new() { HasText = "韩梅梅" });
        await Expect(review).ToBeVisibleAsync();
        await Expect(review).ToContainTextAsync(applicantId[..6] + "********" + applicantId[^4..]);
        await Expect(review).ToContainTextAsync("最低生活保障 · 永吉街道"); // names, not 220102001
        await ShotAsync(desk, "inbox-desktop");
        await review.ClickAsync();
        await ShotAsync(desk, "task-desktop");

        await desk.GetByRole(AriaRole.Button, new() { Name = "案件查询" }).ClickAsync();
        await desk.GetByLabel("姓名或身份证号").FillAsync(applicantId[^4..]);
        await desk.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        var row = desk.GetByTestId("case-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("韩梅梅");
        await ShotAsync(desk, "cases-desktop");
        await row.GetByRole(AriaRole.Button, new() { Name = "韩梅梅" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "韩梅梅 · 最低生活保障" })).ToBeVisibleAsync();
        await Expect(desk.GetByText("受理申请")).ToBeVisibleAsync();
        await Expect(desk.GetByTestId("audit")).ToContainTextAsync("未被改动");
        await ShotAsync(desk, "case-desktop");

        var view = await township.GetOk($"/api/cases/{caseId}");
        Assert.Equal("urban", view["data"]!["residence"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_admin_disables_an_official_who_is_signed_out_at_once()
    {
        var host = await StartDemoAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var official = await Browsers.LogInAsync(await WideAsync(browser, host.Address!), "jl-township", Password);
        await Expect(official.Locator("[data-testid=task]").First).ToBeVisibleAsync();

        var admin = await (await WideAsync(browser, host.Address!)).NewPageAsync();
        await admin.GotoAsync("/");
        await admin.GetByLabel("用户名").FillAsync("jl-admin");
        await admin.GetByLabel("密码").FillAsync(Password);
        await admin.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        // The designer names the province's parameters in its words, with their units; identifiers only on request.
        await admin.GetByRole(AriaRole.Button, new() { Name = "最低生活保障（吉林）" }).ClickAsync();
        var panel = admin.GetByRole(AriaRole.Region, new() { Name = "流程属性" });
        await Expect(panel).ToContainTextAsync("重病患者增发比例（%）");
        await Expect(panel).Not.ToContainTextAsync("addOnSeriousIllnessPercent");
        await Expect(panel.GetByText("申请表")).ToBeVisibleAsync();
        await ShotAsync(admin, "designer-desktop");
        await admin.GetByRole(AriaRole.Button, new() { Name = "工作台" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "系统管理" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "区划树" })).ToContainTextAsync("吉林省");
        await admin.GetByRole(AriaRole.Button, new() { Name = "长春市" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "南关区" }).ClickAsync();
        await Expect(admin.GetByText("现行：城市 760 元，农村 530 元")).ToBeVisibleAsync();
        await ShotAsync(admin, "admin-regions-desktop");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "人员与角色" }).ClickAsync();
        var row = admin.Locator("[data-testid=user-row][data-username=jl-township]");
        await Expect(row).ToContainTextAsync("乡镇（街道）经办人");
        await row.GetByRole(AriaRole.Button, new() { Name = "停用 jl-township" }).ClickAsync();
        await Expect(row).ToContainTextAsync("已停用");
        await ShotAsync(admin, "admin-users-desktop");

        // The official's open page is signed out without a click of theirs, and cannot sign in again.
        await Expect(official.GetByTestId("session-ended")).ToContainTextAsync("已变更或停用");
        await official.GetByLabel("用户名").FillAsync("jl-township");
        await official.GetByLabel("密码").FillAsync(Password);
        await official.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(official.GetByText("用户名或密码错误")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_resident_objects_to_a_notice_on_the_public_board_and_the_township_gets_it_to_verify()
    {
        var host = await StartDemoAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var resident = await (await Browsers.PhoneAsync(browser, host.Address!)).NewPageAsync();
        await resident.GotoAsync("/");
        await resident.GetByRole(AriaRole.Link, new() { Name = "查看社会救助公示（无需登录）" }).ClickAsync();
        var notices = resident.GetByTestId("notice");
        await Expect(notices.First).ToBeVisibleAsync();
        // Masked as notices must be: no full name, no full ID number.
        var first = await notices.First.InnerTextAsync();
        Assert.Matches(@"\d{6}\*{8}\d{3}[\dX]", first);
        await ShotAsync(resident, "public-board-phone");

        var jilin = notices.Filter(new() { HasText = "东风社区" }).First;
        var name = (await jilin.Locator("strong").InnerTextAsync()).Trim();
        await jilin.GetByRole(AriaRole.Button, new() { Name = $"对 {name} 提出异议" }).ClickAsync();
        await resident.GetByLabel("异议内容（必填）").FillAsync("该户在城区有商铺出租，收入未如实申报");
        await resident.GetByLabel("联系方式（选填，仅核实人员可见）").FillAsync("13700001111");
        await resident.GetByRole(AriaRole.Button, new() { Name = "提交异议" }).ClickAsync();
        await Expect(resident.GetByRole(AriaRole.Status)).ToContainTextAsync("异议已收到");
        await Expect(jilin).ToContainTextAsync("有 1 条异议正在核实");

        var township = await host.LoginAsync("jl-township", Password);
        var tasks = await township.GetOk("/api/tasks?status=open&pageSize=200");
        Assert.Contains(tasks["items"]!.AsArray(), t => t!["step"]!.GetValue<string>().Contains("objection")
            || t!["name"]!.GetValue<string>().Contains("异议"));
    }

    [Fact]
    public async Task The_demo_is_refused_on_postgres_unless_forced()
    {
        // Refused before any connection is tried: the connection string leads nowhere.
        await using var host = new ServiceHost("Postgres", "Host=127.0.0.1;Port=1;Database=none", Today, new() { ["Demo:Enabled"] = "true" });
        var refused = Record.Exception(() => host.CreateClient());
        Assert.NotNull(refused);
        Assert.Contains("unless Demo:Force=true", refused.ToString());
    }
}
