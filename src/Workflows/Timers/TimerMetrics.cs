using System.Diagnostics.Metrics;

namespace Workflows.Timers;

/// <summary>
/// What an operator watches of the timers (DESIGN.md: their lateness is a metric), as the meter
/// <c>Workflows.Timers</c>: <c>dotnet-counters monitor --counters Workflows.Timers</c> or any OpenTelemetry exporter
/// reads it. A deadline that fires an hour late is an official reminded an hour late.
/// </summary>
public sealed class TimerMetrics
{
    public const string MeterName = "Workflows.Timers";

    private readonly Histogram<double> _lateness;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deferred;

    public TimerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _lateness = meter.CreateHistogram<double>("workflows.timers.lateness", unit: "s",
            description: "How long after it was due a timer fired.");
        _retried = meter.CreateCounter<long>("workflows.timers.retried", unit: "{timer}",
            description: "Failed attempts of timers that will be tried again after a pause.");
        _failed = meter.CreateCounter<long>("workflows.timers.failed", unit: "{timer}",
            description: "Timers that failed every attempt and were parked for an operator (GET /api/admin/timers?status=failed).");
        _deferred = meter.CreateCounter<long>("workflows.timers.deferred", unit: "{timer}",
            description: "Timers put off to the next round because another command changed their case meanwhile.");
    }

    public void Fired(TimerRecord timer, TimeSpan lateness) =>
        _lateness.Record(lateness.TotalSeconds, new KeyValuePair<string, object?>("kind", timer.Kind));

    public void Parked(TimerRecord timer) => _failed.Add(1, new KeyValuePair<string, object?>("kind", timer.Kind));

    public void Retried(TimerRecord timer) => _retried.Add(1, new KeyValuePair<string, object?>("kind", timer.Kind));

    public void Deferred(TimerRecord timer) => _deferred.Add(1, new KeyValuePair<string, object?>("kind", timer.Kind));
}
