using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Testing;

namespace Workflows.Host.Tests.Support;

/// <summary>One running Host (the real Program, in memory) on a given database, with the manual clock.</summary>
public sealed class ServiceHost(string provider, string connectionString, DateTimeOffset clockStart,
    Dictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>The loopback address when started with <see cref="StartOnKestrel"/>.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Serves on a real loopback port (for WebSockets) instead of in memory.</summary>
    public void StartOnKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First());
    }

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
        foreach (var (key, value) in TestSettings.Settings) all[key] = value;
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
