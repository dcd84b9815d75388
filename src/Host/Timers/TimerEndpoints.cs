using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Timers;

namespace Workflows.Host.Timers;

/// <summary>What an operator on call needs of the timers: the ones that failed every attempt, with their error, and a
/// retry by hand once the cause is fixed. System admins see all; province admins their province's cases.</summary>
public static class TimerEndpoints
{
    public sealed record TimerView(Guid Id, Guid CaseId, string Procedure, string RegionCode, string Step, string Kind,
        DateTime DueAt, bool DueAtProvisional, string Status, int Attempts, DateTime? RetryAt, string? LastError, DateTime? FiredAt);

    private static readonly string[] Statuses = [TimerStatus.Pending, TimerStatus.Failed, TimerStatus.Fired, TimerStatus.Cancelled];

    public static void MapTimers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/timers").WithTags("Administration").RequireAuthorization()
            .AddEndpointFilter<Workflows.Host.Audit.AdminActionLog>();
        group.MapGet("", List);
        group.MapPost("/{id:guid}/retry", Retry);
    }

    private static async Task<Ok<CaseEndpoints.Page<TimerView>>> List(string? status, string? regionCode, int? page, int? pageSize,
        HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Roles.SystemAdmin, Roles.ProvinceAdmin);
        if (status is { Length: > 0 } && !Statuses.Contains(status))
            throw new InvalidInput("status", $"应为 {string.Join(" / ", Statuses)} 之一 (one of the timer statuses)");
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var scope = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
        Authorise.Covers(actor, scope, "regionCode");
        var timers = db.Timers.AsNoTracking();
        if (status is { Length: > 0 }) timers = timers.Where(t => t.Status == status);
        var total = await Views(db, scope, timers).CountAsync(ct);
        var items = await Views(db, scope, timers.OrderBy(t => t.DueAt).ThenBy(t => t.Id)).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new CaseEndpoints.Page<TimerView>(items, total, p, size));
    }

    /// <summary>A parked timer goes back to pending with its attempts reset; the next round of any host fires it.</summary>
    private static async Task<Ok<TimerView>> Retry(Guid id, HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Roles.SystemAdmin, Roles.ProvinceAdmin);
        var view = await Views(db, actor.RegionCode, db.Timers.Where(t => t.Id == id)).FirstOrDefaultAsync(ct)
                   ?? throw new NotFoundProblem($"No timer {id} in your jurisdiction.");
        var moved = await db.Timers.Where(t => t.Id == id && t.Status == TimerStatus.Failed).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.Status, TimerStatus.Pending)
            .SetProperty(t => t.Attempts, 0)
            .SetProperty(t => t.RetryAt, (DateTime?)null), ct);
        if (moved == 0) throw new ConflictProblem($"定时器状态为 {view.Status}，只有失败的可以重试 (only a failed timer can be retried).");
        return TypedResults.Ok(await Views(db, actor.RegionCode, db.Timers.AsNoTracking().Where(t => t.Id == id)).SingleAsync(ct));
    }

    /// <summary>The timers chosen, with their case's procedure and region, inside <paramref name="scope"/>.</summary>
    private static IQueryable<TimerView> Views(WorkflowDb db, string scope, IQueryable<TimerRecord> timers) =>
        from t in timers
        join c in db.Cases on t.CaseId equals c.Id
        where c.RegionCode.StartsWith(scope)
        select new TimerView(t.Id, t.CaseId, c.Procedure, c.RegionCode, t.Step, t.Kind, t.DueAt, t.DueAtProvisional, t.Status,
            t.Attempts, t.RetryAt, t.LastError, t.FiredAt);
}
