using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Timers;

/// <summary>
/// Fires due timers through the command path, one transaction each. Due timers are claimed in batches
/// (<see cref="TimerClaims"/>): on PostgreSQL one statement marks up to a batch of them as this worker's until the lease
/// ends, skipping rows another worker is claiming, so several workers and hosts share a wave without contending for one
/// row at a time. Each claimed timer is then fired in a transaction of its own that locks it again and checks it is still
/// pending and due, so a timer whose claim expired (its host died) fires once, on whichever host claims it next. The
/// timer row's status moves in the same transaction as the effects, so a crash leaves it pending, never half-fired. A
/// command that fails is undone to a savepoint taken after the lock, and the failure is written in the same transaction,
/// with the timer still locked: it is tried again after <see cref="TimerRetries"/>' pause.
/// </summary>
public sealed class TimerRunner(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineFor, TimeProvider clock,
    OutboxSignal outbox, TimerMetrics metrics, TimerRetries retries, TimerClaims claims, ILogger<TimerRunner> logger)
{
    private const string BeforeFire = "before_fire";

    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        var skipped = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var batch = await ClaimAsync(skipped, ct);
            if (batch.Count == 0) return fired;
            foreach (var id in batch)
            {
                if (ct.IsCancellationRequested) break;
                switch (await FireAsync(id, ct))
                {
                    case Fire.Fired: fired++; break;
                    case Fire.Deferred or Fire.Failed: skipped.Add(id); break;
                }
            }
        }
        return fired;
    }

    private enum Fire { Fired, Gone, Deferred, Failed }

    /// <summary>Up to a batch of due timers, marked as claimed until the lease ends, in a transaction of their own.</summary>
    private async Task<List<Guid>> ClaimAsync(HashSet<Guid> skipped, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = skipped.ToArray();
        await using var db = openDb();
        if (db.IsPostgres)
            return await db.Database.SqlQuery<Guid>($"""
                WITH due AS (
                  SELECT id FROM timers
                  WHERE status = {TimerStatus.Pending} AND due_at <= {now} AND (retry_at IS NULL OR retry_at <= {now})
                    AND (claimed_until IS NULL OR claimed_until <= {now}) AND NOT (id = ANY({ids}))
                  ORDER BY due_at LIMIT {claims.BatchSize} FOR UPDATE SKIP LOCKED)
                UPDATE timers SET claimed_until = {now + claims.Lease} FROM due WHERE timers.id = due.id
                RETURNING timers.id AS "Value"
                """).ToListAsync(ct);
        // SQLite: one writer, one worker; each fire checks again that its timer is pending.
        return await db.Timers
            .Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now && (t.RetryAt == null || t.RetryAt <= now)
                        && !skipped.Contains(t.Id))
            .OrderBy(t => t.DueAt).Select(t => t.Id).Take(claims.BatchSize).ToListAsync(ct);
    }

    private async Task<Fire> FireAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = openDb();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var timer = await LockDueAsync(db, id, now, ct);
        if (timer is null)
        {
            // Fired, cancelled or moved later meanwhile: a moved one must not wait for the claim to run out.
            await db.Timers.Where(t => t.Id == id && t.ClaimedUntil != null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedUntil, (DateTime?)null), ct);
            await transaction.CommitAsync(ct);
            return Fire.Gone;
        }
        using var activity = Telemetry.Tracing.Source.StartActivity("timer fire");
        activity?.SetTag("workflows.timer.kind", timer.Kind);
        activity?.SetTag("workflows.timer.lateness_s", (now - timer.DueAt).TotalSeconds);
        await transaction.CreateSavepointAsync(BeforeFire, ct);
        try
        {
            timer.ClaimedUntil = null;
            await engineFor(db).FireTimerAsync(timer, ct);
            await transaction.CommitAsync(ct);
            outbox.Notify(); // the engine's own signal came before this commit
            var lateness = now - timer.DueAt; // never negative: only timers due by now are locked
            metrics.Fired(timer, lateness);
            logger.LogInformation("Timer {Timer} ({Kind} at {Step}) fired {Lateness:F1} s after it was due",
                timer.Id, timer.Kind, timer.Step, lateness.TotalSeconds);
            return Fire.Fired;
        }
        catch (ConflictProblem conflict) when (conflict.Concurrent)
        {
            // Another command changed the case meanwhile; the timer stays pending, its claim given back, and is tried
            // next round. Any other refusal (a duplicate, a rule) would refuse every round: it counts as a failed attempt.
            await transaction.RollbackAsync(ct);
            await db.Timers.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedUntil, (DateTime?)null), ct);
            metrics.Deferred(timer);
            return Fire.Deferred;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            await transaction.RollbackToSavepointAsync(BeforeFire, ct);
            await RecordFailureAsync(db, timer, e, now, ct);
            await transaction.CommitAsync(ct);
            return Fire.Failed;
        }
    }

    /// <summary>The timer, locked for this transaction, if it is still pending and due. A row another transaction holds
    /// is waited for, not skipped: a claim statement may hold a row it then found claimed for a moment, and a host whose
    /// lease ran out may still be firing it; once that commits, the timer is seen fired.</summary>
    private static async Task<TimerRecord?> LockDueAsync(WorkflowDb db, Guid id, DateTime now, CancellationToken ct)
    {
        if (db.IsPostgres)
            return (await db.Timers.FromSqlInterpolated($"""
                SELECT * FROM timers
                WHERE id = {id} AND status = {TimerStatus.Pending} AND due_at <= {now} AND (retry_at IS NULL OR retry_at <= {now})
                FOR UPDATE
                """).ToListAsync(ct)).FirstOrDefault();
        return await db.Timers.FirstOrDefaultAsync(t => t.Id == id && t.Status == TimerStatus.Pending && t.DueAt <= now
                                                        && (t.RetryAt == null || t.RetryAt <= now), ct);
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
            .SetProperty(t => t.ClaimedUntil, (DateTime?)null)
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
