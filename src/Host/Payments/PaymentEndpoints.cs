using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Payments;

public static class PaymentEndpoints
{
    public static void MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/payments", async (string? period, string? regionCode, int? page, int? pageSize,
            HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            Authorise.Role(actor, Roles.FinanceOfficer, Roles.TownshipOfficer, Roles.TownshipApprover, Roles.CountyOfficer,
                Roles.CountyApprover, Roles.ProvinceAdmin, Roles.SystemAdmin);
            if (period is { Length: > 0 } && !Period.IsWellFormed(period))
                throw new InvalidInput("period", "应为 YYYY-MM (expected YYYY-MM)");
            var (p, size) = CaseEndpoints.Paging(page, pageSize);
            var scope = regionCode is { Length: > 0 } && regionCode.StartsWith(actor.RegionCode) ? regionCode : actor.RegionCode;
            var query = db.Payments.AsNoTracking().Where(x => x.RegionCode.StartsWith(scope));
            if (period is { Length: > 0 }) query = query.Where(x => x.Period == period);
            var total = await query.CountAsync(ct);
            var items = await query.OrderByDescending(x => x.CreatedAt).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new CaseEndpoints.Page<PaymentView>(items.Select(CaseViews.Payment).ToList(), total, p, size));
        }).WithTags("Payments").RequireAuthorization();
    }
}
