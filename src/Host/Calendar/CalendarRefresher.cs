using Workflows.Calendar;
using Workflows.Persistence;
using Workflows.Timers;

namespace Workflows.Host.Calendar;

/// <summary>Keeps this host's calendar equal to the database's (a year put through another host is followed within
/// <c>Calendar:RefreshSeconds</c>) and computes provisional deadlines again when it changes. It runs on real time under
/// the manual test clock too: it follows data, not the clock.</summary>
public sealed class CalendarRefresher(Func<WorkflowDb> openDb, WorkingDayCalendar calendar, ProvisionalDeadlines provisional,
    IConfiguration configuration, ILogger<CalendarRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Calendar:RefreshSeconds", 15.0));
        using var tick = new PeriodicTimer(interval);
        // A command in flight while the calendar changed may still commit a deadline counted on the old one: the round
        // after a change looks at every provisional timer again.
        var changedLastRound = false;
        while (await tick.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                bool changed;
                await using (var db = openDb()) changed = await CalendarStore.RefreshAsync(db, calendar, stoppingToken);
                if (changed) logger.LogInformation("Calendar reloaded: years {Years}", string.Join(", ", calendar.Years));
                await provisional.RecomputeAsync(all: changed || changedLastRound, stoppingToken);
                changedLastRound = changed;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Calendar refresh failed; trying again in {Interval}", interval);
            }
        }
    }
}
