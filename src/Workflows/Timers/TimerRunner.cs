using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Timers;

/// <summary>
/// Fires due timers through the command path, one transaction each. On PostgreSQL a timer is claimed with
/// FOR UPDATE SKIP LOCKED, so any number of hosts can run this and each timer fires once; the timer row's
/// status moves in the same transaction as the effects, so a crash leaves it pending, never half-fired.
/// </summary>
public sealed class TimerRunner(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineFor, TimeProvider clock,
    OutboxSignal outbox, TimerMetrics metrics, ILogger<TimerRunner> logger)
{
    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        var skipped = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = openDb();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var timer = await NextDueAsync(db, now, skipped, ct);
            if (timer is null) return fired;
            try
            {
                await engineFor(db).FireTimerAsync(timer, ct);
                await transaction.CommitAsync(ct);
                outbox.Notify(); // the engine's own signal came before this commit
                fired++;
                var lateness = now - timer.DueAt; // never negative: only timers due by now are picked
                metrics.Fired(timer, lateness);
                logger.LogInformation("Timer {Timer} ({Kind} at {Step}) fired {Lateness:F1} s after it was due",
                    timer.Id, timer.Kind, timer.Step, lateness.TotalSeconds);
            }
            catch (ConflictProblem)
            {
                // Another command changed the case meanwhile; the timer is still pending and is retried next round.
                await transaction.RollbackAsync(ct);
                skipped.Add(timer.Id);
                metrics.Deferred(timer);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await transaction.RollbackAsync(ct);
                logger.LogError(e, "Timer {Timer} of case {Case} failed; marked {Status}", timer.Id, timer.CaseId, TimerStatus.Failed);
                metrics.Failed(timer);
                await MarkFailedAsync(timer.Id, ct);
            }
        }
        return fired;
    }

    private static async Task<TimerRecord?> NextDueAsync(WorkflowDb db, DateTime now, HashSet<Guid> skipped, CancellationToken ct)
    {
        if (db.IsPostgres)
        {
            var ids = skipped.ToArray();
            var rows = await db.Timers.FromSqlInterpolated($"""
                SELECT * FROM timers
                WHERE status = {TimerStatus.Pending} AND due_at <= {now} AND NOT (id = ANY({ids}))
                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            return rows.FirstOrDefault();
        }
        // SQLite: one writer at a time; the case version check keeps a timer from firing twice.
        return await db.Timers
            .Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now && !skipped.Contains(t.Id))
            .OrderBy(t => t.DueAt).FirstOrDefaultAsync(ct);
    }

    private async Task MarkFailedAsync(Guid id, CancellationToken ct)
    {
        await using var db = openDb();
        await db.Timers.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TimerStatus.Failed), ct);
    }
}
