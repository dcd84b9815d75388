using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Benefits;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Benefits;

/// <summary>GET /api/benefits (API.md, Benefits): the monthly benefits in the caller's jurisdiction, ID numbers masked.</summary>
public static class BenefitEndpoints
{
    public sealed record BenefitItem(Guid CaseId, string Procedure, string RegionCode, ApplicantView Applicant, decimal MonthlyAmount,
        string From, string? Until, string Status);

    private static readonly string[] Statuses = [BenefitStatus.Active, BenefitStatus.Suspended, BenefitStatus.Ended];

    public static void MapBenefits(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/benefits", async (string? regionCode, string? procedure, string? status, int? page, int? pageSize,
            HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            Authorise.Role(actor, Roles.TownshipOfficer, Roles.TownshipApprover, Roles.CountyOfficer, Roles.CountyApprover,
                Roles.FinanceOfficer, Roles.ProvinceAdmin, Roles.SystemAdmin);
            if (status is { Length: > 0 } && !Statuses.Contains(status))
                throw new InvalidInput("status", $"应为 {string.Join(" / ", Statuses)} 之一 (one of the benefit statuses)");
            var (p, size) = CaseEndpoints.Paging(page, pageSize);
            var scope = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
            Authorise.Covers(actor, scope, "regionCode");
            var benefits = db.Benefits.AsNoTracking().Where(b => b.RegionCode.StartsWith(scope));
            if (procedure is { Length: > 0 }) benefits = benefits.Where(b => b.Procedure == procedure);
            if (status is { Length: > 0 }) benefits = benefits.Where(b => b.Status == status);
            var total = await benefits.CountAsync(ct);
            var rows = await (from b in benefits.OrderBy(b => b.Id).Skip((p - 1) * size).Take(size)
                              join c in db.Cases on b.CaseId equals c.Id
                              select new { Benefit = b, c.ApplicantName, c.ApplicantIdNumber }).ToListAsync(ct);
            return TypedResults.Ok(new CaseEndpoints.Page<BenefitItem>([.. rows.Select(r => new BenefitItem(
                r.Benefit.CaseId, r.Benefit.Procedure, r.Benefit.RegionCode, new ApplicantView(r.ApplicantName, IdNumber.Mask(r.ApplicantIdNumber)),
                Money.ToYuan(r.Benefit.MonthlyAmountFen), r.Benefit.FromPeriod, r.Benefit.UntilPeriod, r.Benefit.Status))], total, p, size));
        }).WithTags("Benefits").RequireAuthorization();
    }
}
