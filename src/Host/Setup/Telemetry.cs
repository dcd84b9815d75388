using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Workflows.Telemetry;
using Workflows.Timers;

namespace Workflows.Host.Setup;

/// <summary>
/// OpenTelemetry (README, Operating), only when <c>OpenTelemetry:Endpoint</c> names a collector (OTLP over HTTP/protobuf,
/// e.g. <c>http://collector:4318</c>); without it nothing is collected and nothing is sent. Traces: ASP.NET Core's
/// requests, EF Core's and Npgsql's commands, and the service's own spans (<see cref="Tracing"/>). Metrics: requests,
/// the runtime, Npgsql's pool and commands, and the service's meters (timers' lateness, retries, parked). Logs: the
/// structured log records with their fields.
/// </summary>
public static class Telemetry
{
    public static void AddWorkflowTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("OpenTelemetry");
        if (section["Endpoint"] is not { Length: > 0 } endpoint) return;
        var collector = new Uri(endpoint.TrimEnd('/') + "/");
        var interval = TimeSpan.FromSeconds(section.GetValue("MetricIntervalSeconds", 60.0));
        void To(OtlpExporterOptions o, string signal) => (o.Endpoint, o.Protocol) = (new Uri(collector, signal), OtlpExportProtocol.HttpProtobuf);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(section["ServiceName"] ?? "workflows", serviceInstanceId: Environment.MachineName))
            .WithTracing(t => t
                .AddSource(Tracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddEntityFrameworkCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => To(o, "v1/traces")))
            .WithMetrics(m => m
                .AddMeter(TimerMetrics.MeterName, "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter((o, reader) =>
                {
                    To(o, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)interval.TotalMilliseconds;
                }));
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => To(e, "v1/logs"));
        });
    }
}
