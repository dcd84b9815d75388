using Microsoft.EntityFrameworkCore;
using Workflows.Calendar;
using Workflows.Host.Calendar;
using Workflows.Persistence;

namespace Workflows.Host.Setup;

/// <summary>/health/live and /health/ready (API.md, Operating). Ready stays 200 while the calendar runs low — deadlines
/// are still set, provisionally — but says so, for the operator's monitoring to raise before it runs out.</summary>
public static class Health
{
    public sealed record CalendarHealth(DateOnly? HeldThrough, int? DaysLeft, string? Warning);
    public sealed record ReadyView(string Status, string Database, CalendarHealth Calendar, string[] Warnings);

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithTags("Health");
        app.MapGet("/health/ready", Ready).WithTags("Health");
    }

    private static async Task<IResult> Ready(WorkflowDb db, WorkingDayCalendar calendar, TimeProvider clock,
        IConfiguration configuration, CancellationToken ct)
    {
        if (!await db.Database.CanConnectAsync(ct) || (await db.Database.GetPendingMigrationsAsync(ct)).Any())
            return TypedResults.Problem(title: "Not ready", detail: "database unreachable or migrations pending", statusCode: 503);
        var calendarHealth = Of(calendar, clock, configuration.GetValue("Calendar:WarnDays", 60));
        string[] warnings = calendarHealth.Warning is { } w ? [w] : [];
        return TypedResults.Ok(new ReadyView("ready", "ok", calendarHealth, warnings));
    }

    private static CalendarHealth Of(WorkingDayCalendar calendar, TimeProvider clock, int warnDays)
    {
        var (through, left) = CalendarEndpoints.Horizon(calendar, clock);
        var warning = through is null
            ? "节假日数据不含今年：时限按周一至周五暂定计算 (no holiday data for this year: deadlines are provisional)"
            : left < warnDays
                ? $"节假日数据仅到 {through:yyyy-MM-dd}（剩 {left} 天），请导入 {through.Value.Year + 1} 年的放假安排 " +
                  $"(holiday data ends in {left} days; put the next year)"
                : null;
        return new CalendarHealth(through, left, warning);
    }
}
