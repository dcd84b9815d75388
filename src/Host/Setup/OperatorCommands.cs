using System.Text.Json;
using Workflows.Audit;
using Workflows.Persistence;
using Workflows.PersonalData;

namespace Workflows.Host.Setup;

/// <summary>
/// What an operator runs beside the service, with the service's own configuration (README, Operating):
/// <c>verify-audit</c> checks every case's history chain (exit code 2 when one is broken); <c>reseal</c> writes every
/// sealed value again under the active key, while the service runs.
/// </summary>
public static class OperatorCommands
{
    public const string VerifyAudit = "verify-audit";
    public const string ResealCommand = "reseal";

    public static string? Of(string[] args) => args.FirstOrDefault() is VerifyAudit or ResealCommand ? args[0] : null;

    public static async Task<int> RunAsync(string command, IServiceProvider services, TextWriter output)
    {
        var openDb = services.GetRequiredService<Func<WorkflowDb>>();
        var json = new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true };
        switch (command)
        {
            case VerifyAudit:
                var report = await AuditLedger.VerifyAllAsync(openDb);
                await output.WriteLineAsync(JsonSerializer.Serialize(report, json));
                return report.Valid ? 0 : 2;
            case ResealCommand:
                var counts = await Reseal.RunAsync(openDb);
                await output.WriteLineAsync(JsonSerializer.Serialize(counts, json));
                return 0;
            default:
                throw new ArgumentException($"Unknown command {command}.");
        }
    }
}
