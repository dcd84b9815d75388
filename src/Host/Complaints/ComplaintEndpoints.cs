using Microsoft.EntityFrameworkCore;
using Workflows.Complaints;
using Workflows.Host.Auth;
using Workflows.Persistence;

namespace Workflows.Host.Complaints;

/// <summary>信访 (API.md, Other case actions): intake, an inbox per owner, the reply. The complainant's phone is shown to
/// the owner and the intake official only.</summary>
public static class ComplaintEndpoints
{
    public sealed record ComplaintView(Guid Id, string RegionCode, string Subject, string Content, Complainant Complainant,
        Guid? CaseId, string Owner, string Status, DateTime DueAt, bool DueAtProvisional, bool Overdue, bool Escalated,
        string? EscalatedFrom, string? Reply, DateTime? RepliedAt, string? RepliedBy, string CreatedBy, DateTime CreatedAt);

    public sealed record ReplyCommand(string? Reply);

    public static ComplaintView View(ComplaintRecord c, Access.Actor actor, DateTime now) => new(c.Id, c.RegionCode, c.Subject,
        c.Content, new Complainant(c.ComplainantName, actor.Username == c.Owner || actor.Username == c.CreatedBy ? c.ComplainantPhone : Cases.Disclosure.MaskContact(c.ComplainantPhone)),
        c.CaseId, c.Owner, c.Status, c.DueAt, c.DueAtProvisional, c.Status == ComplaintStatus.Open && c.DueAt < now, c.Escalated,
        c.EscalatedFrom, c.Reply, c.RepliedAt, c.RepliedBy, c.CreatedBy, c.CreatedAt);

    public static void MapComplaints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/complaints").WithTags("Complaints").RequireAuthorization();

        group.MapPost("", async (ComplaintIntake body, HttpContext http, ComplaintDesk desk, TimeProvider clock, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            var complaint = await desk.TakeInAsync(body, actor, ct);
            return TypedResults.Created($"/api/complaints/{complaint.Id}", View(complaint, actor, clock.GetUtcNow().UtcDateTime));
        });

        // The caller's own inbox by default (open, soonest due first); ?scope=region: every complaint of the caller's region.
        group.MapGet("", async (string? scope, string? status, Guid? caseId, int? page, int? pageSize, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            var (p, size) = Cases.CaseEndpoints.Paging(page, pageSize);
            if (scope is not (null or "mine" or "region")) throw new Runtime.InvalidInput("scope", "应为 mine 或 region (mine or region)");
            if (status is not (null or ComplaintStatus.Open or ComplaintStatus.Replied))
                throw new Runtime.InvalidInput("status", "应为 open 或 replied (open or replied)");
            if (scope == "region" && !ComplaintDesk.MayHandle(actor))
                throw new Runtime.ForbiddenProblem("只有受理或经办人员可以查看辖区信访 (only intake and case officials see the region's complaints).");
            var query = scope == "region"
                ? db.Complaints.AsNoTracking().Where(c => c.RegionCode.StartsWith(actor.RegionCode))
                : db.Complaints.AsNoTracking().Where(c => c.Owner == actor.Username);
            query = query.Where(c => c.Status == (status ?? ComplaintStatus.Open));
            if (caseId is { } id) query = query.Where(c => c.CaseId == id);
            var total = await query.CountAsync(ct);
            var items = await query.OrderBy(c => c.DueAt).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            return TypedResults.Ok(new Cases.CaseEndpoints.Page<ComplaintView>(items.Select(c => View(c, actor, now)).ToList(), total, p, size));
        });

        group.MapGet("/{id:guid}", async (Guid id, HttpContext http, ComplaintDesk desk, TimeProvider clock, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            return TypedResults.Ok(View(await desk.VisibleAsync(id, actor, ct), actor, clock.GetUtcNow().UtcDateTime));
        });

        group.MapPost("/{id:guid}/reply", async (Guid id, ReplyCommand body, HttpContext http, ComplaintDesk desk, TimeProvider clock,
            CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            return TypedResults.Ok(View(await desk.ReplyAsync(id, body.Reply, actor, ct), actor, clock.GetUtcNow().UtcDateTime));
        });
    }
}

/// <summary>Sends overdue complaints to the county every <c>Timers:PollSeconds</c> on the system clock (under the manual
/// clock, moving the clock does it).</summary>
public sealed class ComplaintDeadlines(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ComplaintDeadlines> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Timers:PollSeconds", 5.0)));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var escalated = await scope.ServiceProvider.GetRequiredService<ComplaintDesk>().EscalateOverdueAsync(stoppingToken);
                if (escalated > 0) logger.LogInformation("{Count} overdue complaints went to the county", escalated);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Escalating overdue complaints failed; trying again");
            }
        } while (await tick.WaitForNextTickAsync(stoppingToken));
    }
}
