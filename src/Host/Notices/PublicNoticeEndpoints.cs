using Microsoft.EntityFrameworkCore;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Host.Notices;

/// <summary>GET /api/public/notices (API.md, Public): the notices (公示) running now, readable without login, with
/// names and ID numbers masked as they were written.</summary>
public static class PublicNoticeEndpoints
{
    /// <summary><c>openObjections</c>: objections received and not yet verified (each a task of the case at the notice);
    /// <c>regionName</c>: where the notice is posted, in words a resident reads (the township or village).</summary>
    public sealed record NoticeView(Guid Id, string Procedure, string RegionCode, string Name, string IdNumber, decimal? Amount,
        DateTime From, DateTime Until, int OpenObjections, string? RegionName = null);

    /// <summary>The body of an objection: what is wrong with the notice, and optionally how to reach the objector.</summary>
    public sealed record ObjectionCommand(string? Reason, string? Contact);

    public sealed record ObjectionReceived(Guid Id);

    public static void MapPublicNotices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/public/notices", async (string? regionCode, WorkflowDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var region = regionCode ?? "";
            if (!RegionCode.IsWellFormed(region)) throw new InvalidInput("regionCode", "应为区划代码 (a region code)");
            var now = clock.GetUtcNow().UtcDateTime;
            var notices = await db.Notices.AsNoTracking()
                .Where(n => n.RegionCode.StartsWith(region) && n.From <= now && n.Until > now)
                .OrderBy(n => n.Until).Take(500)
                .Select(n => new
                {
                    Notice = n,
                    Open = db.Tasks.Count(t => t.CaseId == n.CaseId && t.Step == n.Step && t.Status == Workflows.Tasks.TaskStatus.Open),
                    RegionName = db.Regions.Where(r => r.Code == n.RegionCode).Select(r => r.Name).FirstOrDefault(),
                })
                .ToListAsync(ct);
            return TypedResults.Ok(notices.Select(x => new NoticeView(x.Notice.Id, x.Notice.Procedure, x.Notice.RegionCode, x.Notice.MaskedName,
                x.Notice.MaskedIdNumber, x.Notice.AmountFen is { } fen ? Money.ToYuan(fen) : null, x.Notice.From, x.Notice.Until, x.Open,
                x.RegionName)).ToList());
        }).AllowAnonymous().RequireRateLimiting(Setup.RateLimits.Public).WithTags("Public");

        app.MapPost("/api/public/notices/{id:guid}/objections", async (Guid id, ObjectionCommand body, CaseEngine engine, CancellationToken ct) =>
        {
            var objection = await engine.ObjectAsync(id, body.Reason, body.Contact, ct);
            return TypedResults.Created($"/api/public/notices/{id}/objections/{objection}", new ObjectionReceived(objection));
        }).AllowAnonymous().RequireRateLimiting(Setup.RateLimits.Objections).WithTags("Public");
    }
}
