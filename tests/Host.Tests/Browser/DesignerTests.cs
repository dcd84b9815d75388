using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests.Browser;

/// <summary>The designer in a real browser (Debian Chromium): a provincial admin changes a procedure without code.</summary>
public sealed class DesignerTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private const string NingxiaAdmin = "nx-admin";

    private async Task<(ServiceHost Host, Api Admin)> StartAsync()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        await SetUpAsync(admin, Ningxia);
        await SetUpAsync(admin, Jilin);
        await admin.PostOk("/api/admin/users", new
        {
            username = NingxiaAdmin, password = Seed.Password, displayName = "宁夏民政厅管理员", roles = new[] { "province-admin" }, regionCode = "64",
        }, HttpStatusCode.Created);
        return (host, admin);
    }

    private static async Task<IPage> OpenNingxiaDibaoAsync(IBrowser browser, ServiceHost host)
    {
        var page = await (await Browsers.DesktopAsync(browser, host.Address!)).NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("用户名").FillAsync(NingxiaAdmin);
        await page.GetByLabel("密码").FillAsync(Seed.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "最低生活保障（宁夏）" }).ClickAsync();
        await Expect(page.GetByTestId("step-democratic-review")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("校验通过");
        return page;
    }

    private static async Task SelectStepAsync(IPage page, string name)
    {
        var outline = page.Locator("details.outline");
        if (await outline.GetAttributeAsync("open") is null) await outline.Locator("summary").ClickAsync();
        await outline.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "步骤属性" })).ToContainTextAsync(name);
    }

    private static async Task<JsonNode> StartCaseAsync(ServiceHost host, Province p) =>
        await (await host.LoginAsync($"{p.Code}-village-caseworker")).PostOk("/api/cases", Application(p), HttpStatusCode.Created);

    private static async Task<string> StepOfAsync(ServiceHost host, JsonNode @case) =>
        (await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{@case["id"]}"))["step"]!.GetValue<string>();

    /// <summary>Drives one dibao case to its township review and reports that the application is disputed.</summary>
    private static async Task<string> ReviewAsDisputedAsync(ServiceHost host, Province p, JsonNode @case)
    {
        await CompleteAsync(host, p, "village-caseworker", "home-visit", new { outcome = "confirm" }, @case);
        var reviewed = await CompleteAsync(host, p, "township-officer", "township-review", new { outcome = "approve", data = new { disputed = true } }, @case);
        return reviewed["step"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_Ningxia_admin_removes_the_democratic_review_and_shortens_the_notice_and_only_new_Ningxia_cases_follow()
    {
        var (host, admin) = await StartAsync();
        var before = await StartCaseAsync(host, Ningxia);
        Assert.Equal(1, before["definition"]!["version"]!.GetValue<int>());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var page = await OpenNingxiaDibaoAsync(browser, host);

        // Remove the democratic review: the decision that led to it is left unconnected, and the designer says where.
        await SelectStepAsync(page, "民主评议");
        await page.GetByRole(AriaRole.Button, new() { Name = "删除步骤" }).ClickAsync();
        await Expect(page.GetByTestId("step-democratic-review")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("校验未通过");
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("「申请是否有争议」分支 1 去向：没有连接去向");
        await Expect(page.GetByTestId("step-disputed").GetByTestId("node-error")).ToContainTextAsync("没有连接去向");
        // A draft that fails validation can be saved, never published.
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("草稿已保存（修订 1），尚有 1 个问题，不能发布");
        await page.GetByRole(AriaRole.Button, new() { Name = "发布…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("校验未通过");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "确认发布" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "取消" }).ClickAsync();

        // Fix it on the canvas: drag from the decision's first branch to the public notice.
        await DragConnectAsync(page, "disputed", "branch:0", "notice");
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("校验通过");

        // The notice period: 7 → 5 working days.
        await SelectStepAsync(page, "张榜公示");
        await page.GetByLabel("公示期（工作日）").FillAsync("40");
        await Expect(page.GetByTestId("step-notice").GetByTestId("node-error")).ToContainTextAsync("公示期应为 1 至 30 个工作日");
        await page.GetByLabel("公示期（工作日）").FillAsync("5");
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("校验通过");

        await page.GetByRole(AriaRole.Button, new() { Name = "发布…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "确认发布" });
        await Expect(dialog).ToContainTextAsync("已在办理的案件仍按其开始时的版本办理");
        await Expect(dialog.GetByTestId("changes")).ToContainTextAsync("删除步骤 「民主评议」(democratic-review)");
        await Expect(dialog.GetByTestId("changes")).ToContainTextAsync("步骤 「张榜公示」(notice) 期限（工作日）：7 → 5");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确认发布" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已发布第 2 版");
        // The history shows both versions and what changed between them.
        await page.GetByRole(AriaRole.Button, new() { Name = "版本历史" }).ClickAsync();
        var history = page.GetByRole(AriaRole.Dialog, new() { Name = "版本历史" });
        await Expect(history).ToContainTextAsync("第 2 版");
        await history.GetByLabel("比较的旧版本").SelectOptionAsync("1");
        await history.GetByLabel("比较的新版本").SelectOptionAsync("2");
        await Expect(history.GetByTestId("changes")).ToContainTextAsync("删除步骤 「民主评议」(democratic-review)");
        await history.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();

        // A new Ningxia case follows the new steps: disputed or not, straight to the notice, for 5 working days.
        var after = await StartCaseAsync(host, Ningxia);
        Assert.Equal(2, after["definition"]!["version"]!.GetValue<int>());
        // The case started before keeps version 1: its dispute still goes to the democratic review.
        Assert.Equal("democratic-review", await ReviewAsDisputedAsync(host, Ningxia, before));
        await CompleteAsync(host, Ningxia, "village-caseworker", "democratic-review", new { outcome = "approve" }, before);
        Assert.Equal("notice", await ReviewAsDisputedAsync(host, Ningxia, after));

        // Jilin is untouched: its own version 1, with its democratic review.
        var jilin = await StartCaseAsync(host, Jilin);
        Assert.Equal(new JsonObject { ["key"] = "dibao", ["version"] = 1, ["regionCode"] = "22" }.ToJsonString(), jilin["definition"]!.ToJsonString());
        Assert.Equal("democratic-review", await ReviewAsDisputedAsync(host, Jilin, jilin));

        // Both Ningxia notices went up on Friday 13 February. Five working days (14 Feb is a make-up workday, then the
        // Spring Festival until 23 Feb) end on 27 Feb; seven end on 2 March (28 Feb is a make-up workday too).
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 28, 10, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Equal("approval", await StepOfAsync(host, after));
        Assert.Equal("notice", await StepOfAsync(host, before));
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Equal("approval", await StepOfAsync(host, before));
    }

    [Fact]
    public async Task Two_admins_editing_one_draft_do_not_overwrite_each_other_and_a_malformed_import_is_refused_with_the_reason()
    {
        var (host, _) = await StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var page = await OpenNingxiaDibaoAsync(browser, host);

        await SelectStepAsync(page, "入户调查");
        await page.GetByLabel("步骤名称").FillAsync("入户调查（两人以上）");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("草稿已保存（修订 1）");

        // A colleague saves the same draft meanwhile.
        var colleague = await host.LoginAsync(NingxiaAdmin);
        var draft = JsonNode.Parse(await (await colleague.GetAsync("/api/definitions/dibao/draft?region=64")).Content.ReadAsStringAsync())!;
        draft["description"] = "同事的修改";
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/definitions/dibao/draft?region=64")
        {
            Content = new StringContent(draft.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        await Api.Expect(await colleague.Http.SendAsync(put), HttpStatusCode.OK);

        await page.GetByLabel("步骤名称").FillAsync("入户调查（两名工作人员）");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"草稿已被 {NingxiaAdmin} 修改（修订 2）");
        await page.GetByRole(AriaRole.Button, new() { Name = "重新加载（放弃我的修改）" }).ClickAsync();
        await Expect(page.Locator(".toolbar .origin")).ToContainTextAsync("草稿（修订 2）");
        await Expect(page.GetByTestId("step-home-visit")).ToContainTextAsync("入户调查（两人以上）");

        // A step removed by mistake comes back with 撤销, and goes again with 重做.
        await SelectStepAsync(page, "民主评议");
        await page.GetByRole(AriaRole.Button, new() { Name = "删除步骤" }).ClickAsync();
        await Expect(page.GetByTestId("step-democratic-review")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
        await Expect(page.GetByTestId("step-democratic-review")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("validation")).ToContainTextAsync("校验通过");
        await page.GetByRole(AriaRole.Button, new() { Name = "重做" }).ClickAsync();
        await Expect(page.GetByTestId("step-democratic-review")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
        await Expect(page.Locator(".toolbar .origin")).Not.ToContainTextAsync("有未保存的修改");

        // A new step dragged from the palette lands on the canvas, selected, and is not yet connected.
        await page.GetByRole(AriaRole.Button, new() { Name = "＋ 张榜公示" }).DragToAsync(page.GetByTestId("canvas"));
        var added = page.Locator("[data-testid^='step-step-']");
        await Expect(added).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "步骤属性" })).ToContainTextAsync("张榜公示");
        await Expect(added.GetByTestId("node-error")).ToContainTextAsync("没有连接去向");
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
        await Expect(added).ToHaveCountAsync(0);

        // A procedure Ningxia has no version of starts from the country default (or another province's).
        await page.GetByRole(AriaRole.Button, new() { Name = "孤儿、事实无人抚养儿童基本生活保障" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "以 全国 第 1 版为起点" }).ClickAsync();
        await Expect(page.Locator(".toolbar .origin")).ToContainTextAsync("以 全国 第 1 版为起点 · 有未保存的修改");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("草稿已保存（修订 1）");
        var orphanDraft = JsonNode.Parse(await (await colleague.GetAsync("/api/definitions/orphan-support/draft?region=64")).Content.ReadAsStringAsync())!;
        Assert.Equal("64", orphanDraft["regionCode"]!.GetValue<string>());

        await page.GetByLabel("导入流程定义文件").SetInputFilesAsync(new FilePayload
        {
            Name = "dibao.json", MimeType = "application/json", Buffer = "{\"key\": \"dibao\", \"steps\": [".Select(c => (byte)c).ToArray(),
        });
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("导入失败：");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("不是有效的 JSON");
    }

    /// <summary>Connects a step's slot to another step with the mouse, as an admin does.</summary>
    private static async Task DragConnectAsync(IPage page, string source, string slot, string target)
    {
        var from = page.Locator($".react-flow__handle[data-nodeid='{source}'][data-handleid='{slot}']");
        var to = page.Locator($".react-flow__node[data-id='{target}']");
        await SelectStepAsync(page, (await page.GetByTestId($"step-{source}").Locator(".name").TextContentAsync())!);
        var canvas = (await page.Locator(".react-flow").BoundingBoxAsync())!;
        await ViewportSettledAsync(page);
        for (var i = 0; i < 6 && !Inside(canvas, (await to.BoundingBoxAsync())!); i++)
        {
            await page.Locator(".react-flow__controls-zoomout").ClickAsync();
            await ViewportSettledAsync(page);
        }
        var a = (await from.BoundingBoxAsync())!;
        var b = (await to.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(a.X + a.Width / 2, a.Y + a.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + 10, new() { Steps = 12 });
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + 2, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await Expect(page.GetByTestId($"rf__edge-{source}→{slot}")).ToHaveCountAsync(1);
    }

    /// <summary>Selecting a step pans the canvas to it, and zooming is animated too: positions read meanwhile are
    /// already wrong when the mouse gets there. Waits until the canvas has not moved for a few frames.</summary>
    private static Task ViewportSettledAsync(IPage page) => page.EvaluateAsync("""
        () => new Promise(resolve => {
            const viewport = document.querySelector('.react-flow__viewport');
            let last = '', still = 0;
            const frame = () => {
                const now = viewport.style.transform;
                still = now === last ? still + 1 : 0;
                last = now;
                if (still >= 5) resolve(); else requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
        })
        """);

    private static bool Inside(LocatorBoundingBoxResult outer, LocatorBoundingBoxResult inner) =>
        inner.X >= outer.X && inner.Y >= outer.Y && inner.X + inner.Width <= outer.X + outer.Width && inner.Y + inner.Height <= outer.Y + outer.Height;
}
