using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Payments;
using Workflows.Persistence;

namespace Workflows.Regions;

/// <summary>Effective-dated MLG standards: the row of the most specific region at or above the case's,
/// effective on the date that matters.</summary>
public static class Standards
{
    public static async Task<StandardRecord?> FindAsync(WorkflowDb db, string regionCode, DateOnly on, CancellationToken ct)
    {
        var regions = RegionCode.SelfAndAncestors(regionCode).ToList();
        return await db.Standards.AsNoTracking()
            .Where(s => regions.Contains(s.RegionCode) && s.EffectiveFrom <= on)
            .OrderByDescending(s => s.RegionCode.Length).ThenByDescending(s => s.EffectiveFrom)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The standard as expressions see it (<c>standard.urbanMonthly</c>…), in yuan.</summary>
    public static async Task<JsonObject?> AtAsync(WorkflowDb db, string regionCode, DateOnly on, CancellationToken ct) =>
        await FindAsync(db, regionCode, on, ct) is { } s
            ? new JsonObject
            {
                ["urbanMonthly"] = Money.ToYuan(s.UrbanMonthlyFen),
                ["ruralMonthly"] = Money.ToYuan(s.RuralMonthlyFen),
                ["effectiveFrom"] = s.EffectiveFrom.ToString("yyyy-MM-dd"),
                ["regionCode"] = s.RegionCode,
            }
            : null;
}
