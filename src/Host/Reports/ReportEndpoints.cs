using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Reports;
using Workflows.Regions;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Host.Reports;

/// <summary>统计报表 (API.md, Reports): the forms the seeds print, as JSON for machines and xlsx (or CSV) for people, each
/// scoped to the caller's jurisdiction; full ID numbers only for the roles that check identity (and finance, for payments).</summary>
public static class ReportEndpoints
{
    public sealed record Count(string Key, string Label, int Value);
    public sealed record StatusCount(string Procedure, string Status, int Count);
    public sealed record MonthMoney(string Period, string Procedure, decimal Amount);
    public sealed record DashboardView(string RegionCode, string Name, StatusCount[] Cases, Count[] OverdueByTownship, MonthMoney[] PaidByMonth);

    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization();
        group.MapGet("/monthly-statistics", MonthlyStatisticsOf);
        group.MapGet("/screening-ledger", ScreeningLedgerOf);
        group.MapGet("/payments", PaymentsOf);
        group.MapGet("/dashboard", DashboardOf);
    }

    private static DateTime Now(TimeProvider clock) => clock.GetUtcNow().UtcDateTime;

    private static async Task<IResult> MonthlyStatisticsOf(string? regionCode, string? period, string? format, HttpContext http, WorkflowDb db,
        TimeProvider clock, CancellationToken ct)
    {
        var chosen = ReportFile.CheckedFormat(format, "json", "xlsx");
        var scope = await ReportScope.OfAsync(db, http.User.Actor(), regionCode, period, needsPeriod: true, Now(clock), ct);
        var report = await MonthlyStatistics.ComputeAsync(db, scope, ct);
        return chosen == "json" ? TypedResults.Ok(report) : Send(http, MonthlyStatistics.Write(report, scope, chosen));
    }

    private static async Task<IResult> ScreeningLedgerOf(string? regionCode, string? population, string? format, HttpContext http,
        WorkflowDb db, TimeProvider clock, CancellationToken ct)
    {
        var chosen = ReportFile.CheckedFormat(format, "xlsx", "csv");
        var which = ScreeningLedger.CheckedPopulation(population);
        var actor = http.User.Actor();
        var scope = await ReportScope.OfAsync(db, actor, regionCode, null, needsPeriod: false, Now(clock), ct);
        return Send(http, ScreeningLedger.Write(db, scope, which, chosen, Disclosure.MaySeeFullIdNumber(actor)));
    }

    private static async Task<IResult> PaymentsOf(string? regionCode, string? period, string? format, HttpContext http, WorkflowDb db,
        TimeProvider clock, CancellationToken ct)
    {
        var chosen = ReportFile.CheckedFormat(format, "xlsx", "csv");
        var actor = http.User.Actor();
        var scope = await ReportScope.OfAsync(db, actor, regionCode, period, needsPeriod: true, Now(clock), ct);
        db.Database.SetCommandTimeout(Workflows.Payroll.PayrollRuns.LongStatements);
        return Send(http, PaymentLedger.Write(db, scope, chosen, Disclosure.MaySeeFullIdNumber(actor) || actor.Has(Roles.FinanceOfficer)));
    }

    private static IResult Send(HttpContext http, ReportFile file)
    {
        http.Response.RegisterForDispose(file);
        return TypedResults.PhysicalFile(file.Path, file.ContentType, file.FileName);
    }

    /// <summary>The workbench's dashboard: cases by procedure and status, open tasks past their deadline by township, and
    /// money paid (or sent) per month and programme over the last twelve months.</summary>
    private static async Task<Ok<DashboardView>> DashboardOf(string? regionCode, HttpContext http, WorkflowDb db, TimeProvider clock,
        CancellationToken ct)
    {
        var now = Now(clock);
        var scope = await ReportScope.OfAsync(db, http.User.Actor(), regionCode, null, needsPeriod: false, now, ct);
        var region = scope.RegionCode;
        var cases = await db.Cases.AsNoTracking().Where(c => c.RegionCode.StartsWith(region))
            .GroupBy(c => new { c.Procedure, c.Status }).Select(g => new StatusCount(g.Key.Procedure, g.Key.Status, g.Count()))
            .ToListAsync(ct);
        var overdue = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == TaskStatus.Open && t.DueAt < now && t.RegionCode.StartsWith(region) && t.RegionCode.Length >= 9)
            .GroupBy(t => t.RegionCode.Substring(0, 9)).Select(g => new { Township = g.Key, Count = g.Count() }).ToListAsync(ct);
        // A benefit's payment counts in its month, a one-off payment in the month it was made; the first are grouped by the
        // database (a county's year of them is millions), the second are few and grouped here on the China calendar.
        var first = Period.After(Period.Of(now), -11);
        var since = Workflows.Calendar.WorkingDayCalendar.EndOfDayUtc(Period.FirstDay(first).AddDays(-1));
        var given = db.Payments.AsNoTracking()
            .Where(p => p.RegionCode.StartsWith(region) && (p.Status == PaymentStatus.Paid || p.Status == PaymentStatus.Sent));
        var monthly = await given.Where(p => p.Period != null && string.Compare(p.Period, first) >= 0)
            .GroupBy(p => new { p.Period, p.Procedure }).Select(g => new { g.Key.Period, g.Key.Procedure, Fen = g.Sum(p => p.AmountFen) })
            .ToListAsync(ct);
        var oneOff = await given.Where(p => p.Period == null && p.CreatedAt >= since)
            .Select(p => new { p.CreatedAt, p.Procedure, p.AmountFen }).ToListAsync(ct);
        var money = monthly.Concat(oneOff.GroupBy(p => new { Period = (string?)Period.Of(p.CreatedAt), p.Procedure })
                .Select(g => new { g.Key.Period, g.Key.Procedure, Fen = g.Sum(p => p.AmountFen) }))
            .GroupBy(m => new { m.Period, m.Procedure }).Select(g => new { g.Key.Period, g.Key.Procedure, Fen = g.Sum(m => m.Fen) }).ToList();
        return TypedResults.Ok(new DashboardView(region, scope.NameOf(region),
            [.. cases.OrderBy(c => c.Procedure).ThenBy(c => c.Status)],
            [.. overdue.OrderByDescending(o => o.Count).Select(o => new Count(o.Township, scope.NameOf(o.Township), o.Count))],
            [.. money.OrderBy(m => m.Period).ThenBy(m => m.Procedure).Select(m => new MonthMoney(m.Period!, m.Procedure, Money.ToYuan(m.Fen)))]));
    }
}
