using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Reports;

/// <summary>What every report asks first: who may read it, for which region (within the caller's jurisdiction), for which
/// month (YYYY-MM, not in the future), and the names of the regions it will print.</summary>
public sealed class ReportScope
{
    public static readonly string[] Readers =
    [
        Roles.TownshipOfficer, Roles.TownshipApprover, Roles.CountyOfficer, Roles.CountyApprover, Roles.FinanceOfficer,
        Roles.ProvinceAdmin, Roles.SystemAdmin,
    ];

    public required string RegionCode { get; init; }
    public string? Period { get; init; }
    public required Dictionary<string, string> Names { get; init; }

    public string NameOf(string code) => Names.GetValueOrDefault(code, code);

    /// <summary>The first and the last instant of the month, China time, as UTC: the bounds of one-off payments and
    /// allocations made in it.</summary>
    public (DateTime From, DateTime Until) MonthUtc()
    {
        var first = Payments.Period.FirstDay(Period!);
        return (WorkingDayCalendar.EndOfDayUtc(first.AddDays(-1)), WorkingDayCalendar.EndOfDayUtc(first.AddMonths(1).AddDays(-1)));
    }

    public static async Task<ReportScope> OfAsync(WorkflowDb db, Actor actor, string? regionCode, string? period, bool needsPeriod,
        DateTime now, CancellationToken ct)
    {
        if (!Readers.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", Readers)} (requires one of these roles).");
        var region = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
        var errors = new FieldErrors();
        if (!Regions.RegionCode.IsWellFormed(region)) errors.Add("regionCode", "应为区划代码 (a region code)");
        if (needsPeriod || period is not null)
        {
            if (!Payments.Period.IsWellFormed(period)) errors.Add("period", "应为 YYYY-MM (a month, YYYY-MM)");
            else if (string.CompareOrdinal(period, Payments.Period.Of(now)) > 0) errors.Add("period", "不能晚于本月 (not a month to come)");
        }
        errors.ThrowIfAny();
        if (!actor.Covers(region))
            throw new ForbiddenProblem($"regionCode {region} 不在您的辖区 {actor.RegionCode} 内 (outside your jurisdiction).");
        var names = await db.Regions.AsNoTracking().Where(r => r.Code.StartsWith(region) || region.StartsWith(r.Code))
            .ToDictionaryAsync(r => r.Code, r => r.Name, ct);
        if (region.Length > 0 && !names.ContainsKey(region)) throw new InvalidInput("regionCode", $"未知的区划代码 {region} (unknown region)");
        return new ReportScope { RegionCode = region, Period = period, Names = names };
    }
}
