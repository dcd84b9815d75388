using Microsoft.EntityFrameworkCore;
using Workflows.Calendar;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Tasks;

namespace Workflows.Host.Tasks;

/// <summary>The officials' inbox (API.md, Tasks).</summary>
public static class TaskEndpoints
{
    public static void MapTasks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();

        group.MapGet("", async (string? status, string? procedure, bool? overdue, bool? claimedByMe, int? page, int? pageSize,
            HttpContext http, WorkflowDb db, TimeProvider clock, WorkingDayCalendar calendar, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            var now = clock.GetUtcNow().UtcDateTime;
            var (p, size) = CaseEndpoints.Paging(page, pageSize);
            var query = db.Tasks.AsNoTracking().VisibleTo(actor).Where(t => t.Status == (status ?? Workflows.Tasks.TaskStatus.Open));
            if (procedure is { Length: > 0 }) query = query.Where(t => t.Procedure == procedure);
            if (overdue == true) query = query.Where(t => t.DueAt != null && t.DueAt < now);
            if (claimedByMe == true) query = query.Where(t => t.ClaimedBy == actor.Username);
            var total = await query.CountAsync(ct);
            var items = await query.OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt)
                .Skip((p - 1) * size).Take(size).WithApplicantsAsync(db, ct);
            return TypedResults.Ok(new CaseEndpoints.Page<TaskView>(items.Select(i => i.View(now, calendar)).ToList(), total, p, size));
        });

        group.MapGet("/{id:guid}", async (Guid id, HttpContext http, WorkflowDb db, TimeProvider clock, WorkingDayCalendar calendar,
            CancellationToken ct) =>
        {
            var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
            if (task is null || !TaskAccess.CanSee(http.User.Actor(), task)) throw new NotFoundProblem($"No task {id} in your inbox.");
            return TypedResults.Ok(TaskView.Of(task, clock.GetUtcNow().UtcDateTime, calendar));
        });

        group.MapPost("/{id:guid}/claim", async (Guid id, HttpContext http, CaseEngine engine, TimeProvider clock, WorkingDayCalendar calendar, CancellationToken ct) =>
            TypedResults.Ok(TaskView.Of(await engine.ClaimAsync(id, http.User.Actor(), ct), clock.GetUtcNow().UtcDateTime, calendar)));

        group.MapPost("/{id:guid}/release", async (Guid id, HttpContext http, CaseEngine engine, TimeProvider clock, WorkingDayCalendar calendar, CancellationToken ct) =>
            TypedResults.Ok(TaskView.Of(await engine.ReleaseAsync(id, http.User.Actor(), ct), clock.GetUtcNow().UtcDateTime, calendar)));

        group.MapPost("/{id:guid}/complete", async (Guid id, CompleteTaskCommand command, HttpContext http, CaseEngine engine,
            WorkflowDb db, DefinitionCatalog catalog, WorkingDayCalendar calendar, TimeProvider clock, CancellationToken ct) =>
        {
            var completed = await engine.CompleteAsync(id, command, http.User.Actor(), ct);
            return TypedResults.Ok(Disclosure.Masked(await CaseViews.LoadAsync(db, catalog, calendar, completed, clock.GetUtcNow().UtcDateTime, ct)));
        });
    }
}
