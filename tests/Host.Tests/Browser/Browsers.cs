using Microsoft.Playwright;

namespace Workflows.Host.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright: no browser download, flags that keep it off the network.</summary>
public static class Browsers
{
    public static string Executable => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Executable,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    });

    /// <summary>A phone-sized context, as a village caseworker in the field would use it.</summary>
    public static Task<IBrowserContext> PhoneAsync(IBrowser browser, Uri server) => browser.NewContextAsync(new()
    {
        BaseURL = server.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
    });

    public static Task<IBrowserContext> DesktopAsync(IBrowser browser, Uri server) => browser.NewContextAsync(new()
    {
        BaseURL = server.ToString(), ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
    });

    public static async Task<IPage> LogInAsync(IBrowserContext context, string username, string password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        if (page.Url.Contains("/scalar"))
            throw new InvalidOperationException("The workbench was not built into src/Host/wwwroot (building the Host runs npm; see its output).");
        await page.GetByLabel("用户名").FillAsync(username);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("link")).ToHaveTextAsync("实时");
        return page;
    }
}
