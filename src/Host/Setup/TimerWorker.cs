using Workflows.Persistence;
using Workflows.Timers;

namespace Workflows.Host.Setup;

/// <summary>Fires due timers every few seconds on the system clock (under the manual clock, moving the clock fires them).
/// On PostgreSQL <c>Timers:Workers</c> loops (12 by default) fire at once, each claiming a batch of due timers at a time
/// (<see cref="TimerClaims"/>), each timer still in a transaction of its own: a worker mostly waits on the database, so
/// more loops than cores keep both busy. On 2 cores, in turns, as ratios of the timers fired per second to pgbench's tps
/// on the same PostgreSQL (README, Timers): 40,000 due at once, 0.53 and 0.49 with 12 loops, 0.46 and 0.45 with 8, 0.45
/// and 0.44 with 6; 100,000, 0.49 and 0.49 with 12 against 0.48 and 0.44 with 8.
/// SQLite has one writer, so one loop.</summary>
public sealed class TimerWorker(TimerRunner timers, Func<WorkflowDb> openDb, IConfiguration configuration, ILogger<TimerWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool postgres;
        using (var db = openDb()) postgres = db.IsPostgres;
        var workers = postgres ? Math.Max(1, configuration.GetValue("Timers:Workers", 12)) : 1;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Timers:PollSeconds", 5.0));
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
