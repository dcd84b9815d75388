using Microsoft.EntityFrameworkCore;
using Workflows.Calendar;
using Workflows.Persistence;
using Workflows.Timers;

namespace Workflows.Host.Setup;

/// <summary>/health/live and /health/ready (API.md, Operating). Ready stays 200 while the calendar runs low — deadlines
/// are still set, provisionally — but says so, for the operator's monitoring to raise before it runs out.</summary>
public static class Health
{
    public sealed record CalendarHealth(DateOnly? HeldThrough, int? DaysLeft, string? Warning);
    /// <summary>Timers due but not fired (the backlog), the oldest one's lateness, and those parked after failing.</summary>
    public sealed record TimerHealth(int Due, double? OldestLateSeconds, int Failed);
    /// <summary>Notifications committed but not yet sent, and how long the oldest has waited.</summary>
    public sealed record OutboxHealth(int Pending, double? OldestSeconds);
    public sealed record ReadyView(string Status, string Database, CalendarHealth Calendar, TimerHealth Timers, OutboxHealth Outbox,
        string[] Warnings);

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
        var now = clock.GetUtcNow().UtcDateTime;
        var due = db.Timers.Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now);
        var oldestDue = await due.OrderBy(t => t.DueAt).Select(t => (DateTime?)t.DueAt).FirstOrDefaultAsync(ct);
        var timers = new TimerHealth(await due.CountAsync(ct), oldestDue is { } d ? (now - d).TotalSeconds : null,
            await db.Timers.CountAsync(t => t.Status == TimerStatus.Failed, ct));
        var pending = db.Outbox.Where(o => o.DispatchedAt == null);
        var oldestEvent = await pending.OrderBy(o => o.Id).Select(o => (DateTime?)o.At).FirstOrDefaultAsync(ct);
        var outbox = new OutboxHealth(await pending.CountAsync(ct), oldestEvent is { } e ? (now - e).TotalSeconds : null);
        var warnings = new List<string>();
        if (calendarHealth.Warning is { } w) warnings.Add(w);
        if (timers.Failed > 0)
            warnings.Add($"{timers.Failed} 个定时器多次失败后已暂停，请处理 (timers parked after failing: GET /api/admin/timers?status=failed)");
        return TypedResults.Ok(new ReadyView("ready", "ok", calendarHealth, timers, outbox, [.. warnings]));
    }

    private static CalendarHealth Of(WorkingDayCalendar calendar, TimeProvider clock, int warnDays)
    {
        var today = WorkingDayCalendar.ChinaDate(clock.GetUtcNow().UtcDateTime);
        var through = calendar.HeldThrough(today);
        var left = through is { } t ? t.DayNumber - today.DayNumber : (int?)null;
        var warning = through is null
            ? "节假日数据不含今年：时限按周一至周五暂定计算 (no holiday data for this year: deadlines are provisional)"
            : left < warnDays
                ? $"节假日数据仅到 {through:yyyy-MM-dd}（剩 {left} 天），请导入 {through.Value.Year + 1} 年的放假安排 " +
                  $"(holiday data ends in {left} days; put the next year)"
                : null;
        return new CalendarHealth(through, left, warning);
    }
}
