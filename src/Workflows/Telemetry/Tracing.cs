using System.Diagnostics;

namespace Workflows.Telemetry;

/// <summary>
/// The service's own spans (OpenTelemetry source <c>Workflows</c>), beside ASP.NET Core's, EF Core's and Npgsql's: a
/// command's save (what one transaction wrote), a timer's fire, an outbox batch, a payroll run drawn up. Nothing is
/// recorded unless a listener is configured (README, Operating: <c>OpenTelemetry:Endpoint</c>).
/// </summary>
public static class Tracing
{
    public const string SourceName = "Workflows";
    public static readonly ActivitySource Source = new(SourceName);
}
