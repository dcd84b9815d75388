using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Timers;

/// <summary>
/// Fires due timers through the command path, one command each. Due timers are claimed in batches
/// (<see cref="TimerClaims"/>): on PostgreSQL one statement marks up to a batch of them as this worker's until the lease
/// ends, skipping rows another worker is claiming, so several workers and hosts share a wave without contending for one
/// row at a time. One statement then reads the claimed timers still pending and due with their cases and tasks, and each
/// is fired as an official's command is run: one save writes the case's new version with the timer, tasks, history and
/// outbox, all or nothing. Exactly once comes from the save, not from a lock: it moves the case's version, and a second
/// save from the same version (a host whose claim ran out, still firing) is refused by the history row's unique index.
/// A crash leaves the timer pending, never half-fired; a command that fails leaves nothing, and the failure is written
/// afterwards: it is tried again after <see cref="TimerRetries"/>' pause.
/// </summary>
public sealed class TimerRunner(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineFor, TimeProvider clock,
    OutboxSignal outbox, TimerMetrics metrics, TimerRetries retries, TimerClaims claims, ILogger<TimerRunner> logger)
{
    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        var skipped = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var batch = await ClaimAsync(skipped, ct);
            if (batch.Count == 0) return fired;
            var due = (await ReadAsync(batch, ct)).ToDictionary(d => d.Timer.Id);
            var moved = new HashSet<Guid>(); // the cases a fire of this batch moved
            foreach (var id in batch)
            {
                if (ct.IsCancellationRequested) break;
                var timer = await RowOfAsync(id, due, moved, ct);
                var outcome = timer is null ? await GoneAsync([id], ct) : await FireAsync(timer, ct);
                if (outcome == Fire.Fired) moved.Add(timer!.Case.Id);
                switch (outcome)
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
        // 'pending' written out, not a parameter: the planner matches it to the pending timers' partial index only then.
        if (db.IsPostgres)
            return await db.Database.SqlQuery<Guid>($"""
                WITH due AS (
                  SELECT id FROM timers
                  WHERE status = 'pending' AND due_at <= {now} AND (retry_at IS NULL OR retry_at <= {now})
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

    /// <summary>The timer's row read with its batch, or read again when a fire of this batch moved its case (two timers of
    /// one case due at once): the batch's copy of that case is a version behind, and its save would be refused.</summary>
    private async Task<CaseEngine.DueTimer?> RowOfAsync(Guid id, Dictionary<Guid, CaseEngine.DueTimer> due, HashSet<Guid> moved,
        CancellationToken ct)
    {
        if (!due.TryGetValue(id, out var read)) return null;
        if (!moved.Contains(read.Case.Id)) return read;
        return (await ReadAsync([id], ct)).SingleOrDefault();
    }

    /// <summary>The claimed timers still pending and due, with their cases and tasks. If the read fails, the claims are
    /// given back so that the next round (of any host) need not wait for the lease.</summary>
    private async Task<List<CaseEngine.DueTimer>> ReadAsync(List<Guid> batch, CancellationToken ct)
    {
        try
        {
            await using var db = openDb();
            return await CaseEngine.ReadDueTimersAsync(db, batch.ToArray(), clock.GetUtcNow().UtcDateTime, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await GoneAsync(batch.ToArray(), ct);
            throw;
        }
    }

    private async Task<Fire> FireAsync(CaseEngine.DueTimer due, CancellationToken ct)
    {
        var id = due.Timer.Id;
        var now = clock.GetUtcNow().UtcDateTime;
        using var activity = Telemetry.Tracing.Source.StartActivity("timer fire");
        await using var db = openDb();
        try
        {
            var timer = await engineFor(db).FireTimerAsync(due, ct);
            outbox.Notify(); // the engine's own signal came before its save returned
            var lateness = now - timer.DueAt; // never negative: only timers due by now are fired
            activity?.SetTag("workflows.timer.kind", timer.Kind);
            activity?.SetTag("workflows.timer.lateness_s", lateness.TotalSeconds);
            metrics.Fired(timer, lateness);
            logger.LogInformation("Timer {Timer} ({Kind} at {Step}) fired {Lateness:F1} s after it was due",
                timer.Id, timer.Kind, timer.Step, lateness.TotalSeconds);
            return Fire.Fired;
        }
        catch (ConflictProblem conflict) when (conflict.Concurrent)
        {
            // Another command moved the case meanwhile (or another host fired this timer after its claim ran out);
            // nothing of this one was kept. A pending timer is tried next round. Any other refusal (a duplicate, a rule)
            // would refuse every round: it counts as a failed attempt.
            await ReleaseClaimsAsync([id], ct);
            metrics.Deferred(due.Timer);
            return Fire.Deferred;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The save is one statement batch (or a transaction of its own): nothing of a failed command was kept.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            await RecordFailureAsync(id, e, now, ct);
            return Fire.Failed;
        }
    }

    /// <summary>Fired, cancelled or moved later meanwhile (or not read at all): a moved one must not wait for the claim to
    /// run out. Releasing is a courtesy, not the command: if it fails, the lease runs out instead, and nothing is counted
    /// against the timers.</summary>
    private async Task<Fire> GoneAsync(Guid[] ids, CancellationToken ct)
    {
        try { await ReleaseClaimsAsync(ids, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "{Count} timer claim(s), the first {Timer}, could not be given back; they run out instead", ids.Length, ids[0]);
        }
        return Fire.Gone;
    }

    private async Task ReleaseClaimsAsync(Guid[] ids, CancellationToken ct)
    {
        await using var db = openDb();
        await db.Timers.Where(t => ids.Contains(t.Id) && t.ClaimedUntil != null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedUntil, (DateTime?)null), ct);
    }

    private async Task RecordFailureAsync(Guid id, Exception error, DateTime now, CancellationToken ct)
    {
        // A context of its own: the failed command's changes are in the other one, never saved.
        await using var db = openDb();
        var timer = await db.Timers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.Status == TimerStatus.Pending, ct);
        if (timer is null) return; // fired by another host meanwhile, or cancelled
        retries.Failed(timer, error, now);
        await db.Timers.Where(t => t.Id == timer.Id && t.Status == TimerStatus.Pending).ExecuteUpdateAsync(s => s
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
