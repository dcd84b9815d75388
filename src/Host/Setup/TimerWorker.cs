using Workflows.Timers;

namespace Workflows.Host.Setup;

/// <summary>Fires due timers every few seconds on the system clock. (Under the manual clock, moving the clock fires them.)</summary>
public sealed class TimerWorker(TimerRunner timers, IConfiguration configuration, ILogger<TimerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Timers:PollSeconds", 5));
        using var tick = new PeriodicTimer(interval);
        do
        {
            try { await timers.FireDueAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Timer round failed; retrying in {Interval}", interval);
            }
        } while (await tick.WaitForNextTickAsync(stoppingToken));
    }
}
