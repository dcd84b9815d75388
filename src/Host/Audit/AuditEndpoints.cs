using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Audit;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Audit;

/// <summary>
/// What an auditor asks of the service (API.md, Administration: audit): does a case's history hold as it was written, does
/// all of it, who changed what in the administration, and who saw whose full ID number.
/// </summary>
public static class AuditEndpoints
{
    public sealed record ActionView(DateTime At, string Username, string Action, string Target, JsonElement? Details);
    public sealed record DisclosureView(DateTime At, string Username, Guid CaseId, string Field);

    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cases/{id:guid}/audit", async (Guid id, HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            var record = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (record is null || !CaseEndpoints.CanSee(http.User.Actor(), record)) throw new NotFoundProblem($"No case {id} in your jurisdiction.");
            return TypedResults.Ok(await AuditLedger.VerifyCaseAsync(db, record, ct));
        }).WithTags("Cases").RequireAuthorization();

        var admin = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization();
        admin.MapGet("/audit/verify", async (HttpContext http, Func<WorkflowDb> openDb, CancellationToken ct) =>
        {
            Authorise.Role(http.User.Actor(), Roles.SystemAdmin);
            return TypedResults.Ok(await AuditLedger.VerifyAllAsync(openDb, ct));
        });
        admin.MapGet("/actions", async (string? username, int? page, int? pageSize, HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            Authorise.Role(http.User.Actor(), Roles.SystemAdmin);
            var (p, size) = CaseEndpoints.Paging(page, pageSize);
            var actions = db.AdminActions.AsNoTracking();
            if (username is { Length: > 0 }) actions = actions.Where(a => a.Username == username);
            var total = await actions.CountAsync(ct);
            var items = await actions.OrderByDescending(a => a.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new CaseEndpoints.Page<ActionView>([.. items.Select(a => new ActionView(a.At, a.Username, a.Action, a.Target,
                a.DetailsJson is null ? null : JsonDocument.Parse(a.DetailsJson).RootElement))], total, p, size));
        });
        admin.MapGet("/disclosures", async (Guid? caseId, string? username, int? page, int? pageSize, HttpContext http, WorkflowDb db,
            CancellationToken ct) =>
        {
            Authorise.Role(http.User.Actor(), Roles.SystemAdmin);
            var (p, size) = CaseEndpoints.Paging(page, pageSize);
            var views = db.Disclosures.AsNoTracking();
            if (caseId is { } id) views = views.Where(d => d.CaseId == id);
            if (username is { Length: > 0 }) views = views.Where(d => d.Username == username);
            var total = await views.CountAsync(ct);
            var items = await views.OrderByDescending(d => d.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new CaseEndpoints.Page<DisclosureView>([.. items.Select(d => new DisclosureView(d.At, d.Username, d.CaseId, d.Field))],
                total, p, size));
        });
    }
}
