using Microsoft.EntityFrameworkCore;
using Workflows.Persistence;

namespace Workflows.Host.Idempotency;

/// <summary>Deletes kept responses older than <see cref="IdempotencyMiddleware.Retention"/>, hourly: a replay is promised
/// for a day, and what a response holds is not kept longer than that promise needs.</summary>
public sealed class ExpiredIdempotencyKeys(Func<WorkflowDb> openDb, ILogger<ExpiredIdempotencyKeys> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await PurgeAsync(openDb, DateTime.UtcNow, stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not delete expired idempotency keys; trying again in an hour");
            }
            await Task.Delay(Every, stoppingToken);
        }
    }

    public static async Task<int> PurgeAsync(Func<WorkflowDb> openDb, DateTime now, CancellationToken ct = default)
    {
        await using var db = openDb();
        var before = now - IdempotencyMiddleware.Retention;
        return await db.IdempotencyKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(ct);
    }
}
