using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Calendar;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Timers;

/// <summary>
/// Finds the deadlines and waits that were set on a year without holiday data and computes them again, one command
/// per case, once the calendar holds that year. Any host may run it at any time: a case whose timers another command
/// changed meanwhile is left for the next round, and a case with nothing new to compute writes nothing.
/// </summary>
public sealed class ProvisionalDeadlines(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineFor,
    WorkingDayCalendar calendar, TimeProvider clock, ILogger<ProvisionalDeadlines> logger)
{
    /// <summary>With <paramref name="all"/>, every provisional timer (the calendar changed); otherwise only those due
    /// within the years held, which only a command that counted on an older calendar leaves behind. Returns how many
    /// timers moved.</summary>
    public async Task<int> RecomputeAsync(bool all, CancellationToken ct = default)
    {
        var heldThrough = calendar.HeldThrough(WorkingDayCalendar.ChinaDate(clock.GetUtcNow().UtcDateTime));
        if (heldThrough is null && !all) return 0;
        List<Guid> cases;
        await using (var db = openDb())
        {
            var provisional = db.Timers.Where(t => t.Status == TimerStatus.Pending && t.DueAtProvisional);
            if (!all) provisional = provisional.Where(t => t.DueAt <= WorkingDayCalendar.EndOfDayUtc(heldThrough!.Value));
            cases = await provisional.Select(t => t.CaseId).Distinct().ToListAsync(ct);
        }
        var moved = 0;
        foreach (var caseId in cases)
        {
            await using var db = openDb();
            try { moved += await engineFor(db).RecomputeDeadlinesAsync(caseId, ct); }
            catch (ConflictProblem)
            {
                logger.LogInformation("Deadlines of case {Case} changed meanwhile; computed again next round", caseId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One case that cannot be computed (a definition since broken) must not keep the others provisional.
                logger.LogError(e, "Deadlines of case {Case} could not be computed again; the others go on", caseId);
            }
        }
        if (moved > 0) logger.LogInformation("Computed {Count} provisional deadlines again on the calendar of {Years}", moved,
            string.Join(", ", calendar.Years));
        return moved;
    }
}
