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
    public sealed record NoticeView(string Procedure, string RegionCode, string Name, string IdNumber, decimal? Amount,
        DateTime From, DateTime Until);

    public static void MapPublicNotices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/public/notices", async (string? regionCode, WorkflowDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var region = regionCode ?? "";
            if (!RegionCode.IsWellFormed(region)) throw new InvalidInput("regionCode", "应为区划代码 (a region code)");
            var now = clock.GetUtcNow().UtcDateTime;
            var notices = await db.Notices.AsNoTracking()
                .Where(n => n.RegionCode.StartsWith(region) && n.From <= now && n.Until > now)
                .OrderBy(n => n.Until).Take(500).ToListAsync(ct);
            return TypedResults.Ok(notices.Select(n => new NoticeView(n.Procedure, n.RegionCode, n.MaskedName, n.MaskedIdNumber,
                n.AmountFen is { } fen ? Money.ToYuan(fen) : null, n.From, n.Until)).ToList());
        }).AllowAnonymous().RequireRateLimiting(Setup.RateLimits.Public).WithTags("Public");
    }
}
