using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Workflows.Testing;

namespace Workflows.Host.Tests.Support;

/// <summary>One running Host (the real Program, in memory) on a given database, with the manual clock.</summary>
public sealed class ServiceHost(string provider, string connectionString, DateTimeOffset clockStart,
    Dictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "admin-password-1";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Workflow"] = connectionString,
            ["Clock:Mode"] = "Manual",
            ["Clock:Start"] = clockStart.ToString("O"),
            ["Bootstrap:AdminUser"] = AdminUser,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["Definitions:Path"] = Repo.Workflows,
            ["Calendar:Path"] = Repo.Calendars,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new()) all[key] = value;
        foreach (var (key, value) in all) builder.UseSetting(key, value);
    }

    public Api Anonymous() => new(CreateClient());

    public async Task<Api> LoginAsync(string username, string password = Seed.Password)
    {
        var api = Anonymous();
        await api.LoginAsync(username, password);
        return api;
    }
}
