using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>The front end's own unit tests (vitest, src/Designer/src/**/*.test.ts), run as part of the one test command.</summary>
public sealed class FrontEndUnitTests
{
    [Fact]
    public async Task The_front_ends_unit_tests_pass()
    {
        var start = new ProcessStartInfo("npx", "vitest run --reporter=verbose")
        {
            WorkingDirectory = Path.Combine(Repo.Root, "src", "Designer"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CI"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"vitest exited {process.ExitCode}:\n{await output}\n{await errors}");
        Assert.Contains("passed", await output);
    }
}
