using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.Host.Tests.Support;

/// <summary>The Host as its own process (the build of the same configuration as these tests), on PostgreSQL with the
/// manual clock: a test can kill it with SIGKILL, as a power cut would, and start it again on the same database.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    public Uri Address { get; }

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    private static string HostDll()
    {
        // …/tests/Host.Tests/bin/<Configuration>/net10.0/: the Host was built beside it by the project reference.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(Repo.Root, "src", "Host", "bin", configuration, "net10.0", "Workflows.Host.dll");
    }

    /// <param name="settings">More configuration, as <c>--Key=Value</c> arguments after the test's own.</param>
    public static async Task<HostProcess> StartAsync(string database, DateTimeOffset clock, IEnumerable<string>? settings = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = StartInfo(database, clock, ["--urls", address.ToString()]);
        foreach (var setting in settings ?? []) start.ArgumentList.Add(setting);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = address };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (process.HasExited) throw new InvalidOperationException($"The Host exited with {process.ExitCode} before it was ready.");
            try { if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return new HostProcess(process, address); }
            catch (HttpRequestException) { }
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The Host did not become ready within 60 s.");
    }

    /// <summary>The Host's own configuration for this database, after <paramref name="arguments"/>.</summary>
    private static ProcessStartInfo StartInfo(string database, DateTimeOffset clock, IEnumerable<string> arguments)
    {
        var dll = HostDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        string[] all =
        [
            dll, .. arguments, "--Database:Provider=Postgres", $"--ConnectionStrings:Workflow={database}",
            "--Clock:Mode=Manual", $"--Clock:Start={clock:O}", $"--Bootstrap:AdminUser={ServiceHost.AdminUser}",
            $"--Bootstrap:AdminPassword={ServiceHost.AdminPassword}", $"--Definitions:Path={Repo.Workflows}",
            $"--Calendar:Path={Repo.Calendars}", "--Logging:LogLevel:Default=Warning", .. TestSettings.Arguments,
        ];
        foreach (var argument in all) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>An operator's command (README, Operating) on the database, as an operator runs it: its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(string database, string command)
    {
        using var process = Process.Start(StartInfo(database, Seed.BeforeSpringFestival, [command]))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    public Api Anonymous() => new(new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) });

    public async Task<Api> LoginAsync(string username, string password = Seed.Password)
    {
        var api = Anonymous();
        await api.LoginAsync(username, password);
        return api;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no rollback by the process itself.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
