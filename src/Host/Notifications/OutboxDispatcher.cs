using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Workflows.Persistence;
using Workflows.Tasks;

namespace Workflows.Host.Notifications;

/// <summary>
/// Sends committed outbox rows to the hub, in the order they were written, and marks them sent. Rows of a
/// rolled-back command never exist, so they are never sent. Woken at once by this process's commits and
/// every second for other processes' commits; on PostgreSQL one dispatcher at a time holds an advisory
/// lock, so events keep their order when several hosts share the database (with the Redis backplane any
/// host reaches every client). Sent rows are kept for <c>Outbox:RetentionDays</c> (7) for whoever traces a
/// notification, then deleted, so the table holds days of traffic rather than the service's whole life.
/// </summary>
public sealed class OutboxDispatcher(Func<WorkflowDb> openDb, IHubContext<TaskHub> hub, OutboxSignal signal,
    TimeProvider clock, IConfiguration configuration, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private const long AdvisoryLock = 0x5747_4F55_5442_4F58; // "WGOUTBOX"
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    // A round costs four round trips to the database however few rows it carries. When commits come faster
    // than that, rounds start at most this often and each carries what gathered meanwhile; a commit on a
    // quiet system is still sent at once.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private readonly TimeSpan _retention = Retention(configuration.GetValue("Outbox:RetentionDays", 7));
    private DateTime _purgedAt = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var round = Stopwatch.GetTimestamp();
            try
            {
                while (await DispatchBatchAsync(stoppingToken) == BatchSize) { }
                await PurgeSentAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Outbox dispatch failed; retrying");
            }
            await signal.WaitAsync(Poll, stoppingToken);
            if (Gather - Stopwatch.GetElapsedTime(round) is { Ticks: > 0 } rest) await Task.Delay(rest, stoppingToken);
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var db = openDb();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLock}) AS \"Value\"").SingleAsync(ct);
            if (!locked) return 0;
        }
        var rows = await db.Outbox.AsNoTracking().Where(o => o.DispatchedAt == null).OrderBy(o => o.Id).Take(BatchSize).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        using var activity = Workflows.Telemetry.Tracing.Source.StartActivity("outbox dispatch");
        activity?.SetTag("workflows.outbox.rows", rows.Count);
        activity?.SetTag("workflows.outbox.lag_s", (clock.GetUtcNow().UtcDateTime - rows[0].At).TotalSeconds);
        foreach (var row in rows)
            foreach (var notification in EventsOf(row)) await SendAsync(notification, ct);
        // By id, not by "up to the last id": a row with a lower id may commit after this read, and must wait to be sent.
        var sent = rows.Select(r => r.Id).ToArray();
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Outbox.Where(o => sent.Contains(o.Id)).ExecuteUpdateAsync(u => u.SetProperty(o => o.DispatchedAt, now), ct);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    private static TimeSpan Retention(int days) => days >= 1
        ? TimeSpan.FromDays(days)
        : throw new InvalidOperationException($"Outbox:RetentionDays must be at least 1, not {days}.");

    /// <summary>On the service's clock, so that a test moving the clock sees it happen.</summary>
    private async Task PurgeSentAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _purgedAt < PurgeEvery) return;
        _purgedAt = now;
        var sentBefore = now - _retention;
        await using var db = openDb();
        var deleted = await db.Outbox.Where(o => o.DispatchedAt < sentBefore).ExecuteDeleteAsync(ct);
        if (deleted > 0) logger.LogInformation("Deleted {Count} outbox rows sent before {Before:u}", deleted, sentBefore);
    }

    /// <summary>A row that cannot be read (a hand edit, a bug) is logged and passed over with the rest of its round:
    /// left pending it would come back first in every round and hold back every notification after it. Inboxes
    /// resynchronise on reconnect, and the case history is the record.</summary>
    private IReadOnlyList<OutboxEvent> EventsOf(OutboxRecord row)
    {
        try { return row.Events(); }
        catch (JsonException e)
        {
            logger.LogError(e, "Outbox row {Row} of case {Case} cannot be read; it is marked sent without being sent", row.Id, row.CaseId);
            return [];
        }
    }

    private Task SendAsync(OutboxEvent notification, CancellationToken ct)
    {
        // A row written before removals kept only their audience holds the whole task.
        var removed = notification.Removed ?? (notification.Type == "taskRemoved" && notification.Task is { } t
            ? new RemovedTask(t.Id, t.RegionCode, t.Level, t.Role) : null);
        if (removed is not null) return AudienceOf(removed.RegionCode, removed.Level, removed.Role).SendAsync("taskRemoved", removed.Id, ct);
        if (notification.Task is not { } task) return Task.CompletedTask; // not for the inboxes (a payment to make)
        return AudienceOf(task.RegionCode, task.Level, task.Role).SendAsync(notification.Type, task, ct);
    }

    private IClientProxy AudienceOf(string regionCode, string level, string role) =>
        hub.Clients.Groups(TaskAccess.AudienceOf(regionCode, level, role).ToList());
}
