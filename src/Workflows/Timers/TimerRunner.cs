using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Timers;

/// <summary>
/// Fires due timers through the command path, one transaction each. On PostgreSQL a timer is claimed with
/// FOR UPDATE SKIP LOCKED, so any number of hosts can run this and each timer fires once; the timer row's
/// status moves in the same transaction as the effects, so a crash leaves it pending, never half-fired. A command that
/// fails is undone to a savepoint taken after the claim, and the failure is written in the same transaction, with the
/// timer still locked: no other host can try it in between, and it is tried again after <see cref="TimerRetries"/>' pause.
/// </summary>
public sealed class TimerRunner(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineFor, TimeProvider clock,
    OutboxSignal outbox, TimerMetrics metrics, TimerRetries retries, ILogger<TimerRunner> logger)
{
    private const string BeforeFire = "before_fire";

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
            using var activity = Telemetry.Tracing.Source.StartActivity("timer fire");
            activity?.SetTag("workflows.timer.kind", timer.Kind);
            activity?.SetTag("workflows.timer.lateness_s", (now - timer.DueAt).TotalSeconds);
            await transaction.CreateSavepointAsync(BeforeFire, ct);
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
            catch (ConflictProblem conflict) when (conflict.Concurrent)
            {
                // Another command changed the case meanwhile; the timer is still pending and is retried next round. Any
                // other refusal (a duplicate, a rule) would refuse every round: it counts as a failed attempt below.
                await transaction.RollbackAsync(ct);
                skipped.Add(timer.Id);
                metrics.Deferred(timer);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
                await transaction.RollbackToSavepointAsync(BeforeFire, ct);
                await RecordFailureAsync(db, timer, e, now, ct);
                await transaction.CommitAsync(ct);
                skipped.Add(timer.Id);
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
                WHERE status = {TimerStatus.Pending} AND due_at <= {now} AND (retry_at IS NULL OR retry_at <= {now})
                  AND NOT (id = ANY({ids}))
                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            return rows.FirstOrDefault();
        }
        // SQLite: one writer at a time; the case version check keeps a timer from firing twice.
        return await db.Timers
            .Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now && (t.RetryAt == null || t.RetryAt <= now)
                        && !skipped.Contains(t.Id))
            .OrderBy(t => t.DueAt).FirstOrDefaultAsync(ct);
    }

    private async Task RecordFailureAsync(WorkflowDb db, TimerRecord timer, Exception error, DateTime now, CancellationToken ct)
    {
        // The command's changes were undone in the database; the context must forget them too.
        db.ChangeTracker.Clear();
        (timer.Status, timer.FiredAt) = (TimerStatus.Pending, null);
        retries.Failed(timer, error, now);
        await db.Timers.Where(t => t.Id == timer.Id).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.Status, timer.Status)
            .SetProperty(t => t.Attempts, timer.Attempts)
            .SetProperty(t => t.RetryAt, timer.RetryAt)
            .SetProperty(t => t.LastError, timer.LastError), ct);
        if (timer.Status == TimerStatus.Failed)
        {
            metrics.Parked(timer);
            // The masked text, not the exception: its message may quote an ID number or an account; its stack trace does not.
            logger.LogError("Timer {Timer} of case {Case} failed {Attempts} times; parked as {Status} for an operator: {Error}\n{Stack}",
                timer.Id, timer.CaseId, timer.Attempts, TimerStatus.Failed, timer.LastError, error.StackTrace);
        }
        else
        {
            metrics.Retried(timer);
            logger.LogWarning("Timer {Timer} of case {Case} failed (attempt {Attempts} of {Max}); trying again at {RetryAt:O}: {Error}\n{Stack}",
                timer.Id, timer.CaseId, timer.Attempts, retries.MaxAttempts, timer.RetryAt, timer.LastError, error.StackTrace);
        }
    }
}
