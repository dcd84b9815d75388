using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Timers;

namespace Workflows.Host.Calendar;

/// <summary>The holiday calendar's years (API.md, Administration, continued: calendars). Any official may read it; only
/// a system admin may put a year, which every host then follows without a restart.</summary>
public static class CalendarEndpoints
{
    public sealed record YearSummary(int Year, int Holidays, int HolidayDays, int Workdays, string Source, DateTime UpdatedAt,
        string UpdatedBy);
    public sealed record PutView(int Year, JsonObject Document, string Source, DateTime UpdatedAt, string UpdatedBy, int Recomputed);

    public static void MapCalendars(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/calendars").WithTags("Administration").RequireAuthorization()
            .AddEndpointFilter<Workflows.Host.Audit.AdminActionLog>();
        group.MapGet("", List);
        group.MapGet("/{year:int}", Get);
        group.MapPut("/{year:int}", Put);
    }

    /// <summary>The years held (API.md), oldest first; how far they reach from today is /health/ready's to say.</summary>
    private static async Task<Ok<YearSummary[]>> List(WorkflowDb db, CancellationToken ct) =>
        TypedResults.Ok((await CalendarStore.RowsAsync(db, ct)).Select(Summary).ToArray());

    private static YearSummary Summary(CalendarYearRecord row)
    {
        var year = CalendarStore.Read(row);
        return new YearSummary(row.Year, year.Holidays.Count, year.Holidays.Sum(h => h.To.DayNumber - h.From.DayNumber + 1),
            year.Workdays.Count, row.Source, row.UpdatedAt, row.UpdatedBy);
    }

    private static async Task<Ok<JsonObject>> Get(int year, WorkflowDb db, CancellationToken ct)
    {
        var row = await db.CalendarYears.AsNoTracking().FirstOrDefaultAsync(r => r.Year == year, ct)
                  ?? throw new NotFoundProblem($"日历中没有 {year} 年的数据 (no holiday data for {year}).");
        return TypedResults.Ok(CalendarStore.Read(row).ToJson());
    }

    private static async Task<Ok<PutView>> Put(int year, JsonElement body, HttpContext http, WorkflowDb db,
        WorkingDayCalendar calendar, ProvisionalDeadlines provisional, TimeProvider clock, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Roles.SystemAdmin);
        var errors = new FieldErrors();
        var read = CalendarYear.Read(year, body, errors);
        errors.ThrowIfAny();
        var row = await CalendarStore.PutAsync(db, read!, actor.Username, clock.GetUtcNow().UtcDateTime, ct);
        // This host follows at once; the others within Calendar:RefreshSeconds (CalendarRefresher).
        await CalendarStore.RefreshAsync(db, calendar, ct);
        var recomputed = await provisional.RecomputeAsync(all: true, ct);
        return TypedResults.Ok(new PutView(year, read!.ToJson(), row.Source, row.UpdatedAt, row.UpdatedBy, recomputed));
    }
}
