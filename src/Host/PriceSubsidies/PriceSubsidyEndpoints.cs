using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.PriceSubsidies;

namespace Workflows.Host.PriceSubsidies;

/// <summary>价格临时补贴 (README, Price subsidies): a city or county starts one for a month; each county pays it in a payroll
/// run of its own (POST /api/payroll-runs with <c>priceSubsidyId</c>).</summary>
public static class PriceSubsidyEndpoints
{
    public sealed record CountyFigures(string RegionCode, int Cases, int Persons, decimal Total);
    public sealed record SubsidyView(Guid Id, string RegionCode, string Period, decimal AmountPerPerson, string[] Categories,
        DistrictRate[] Rates, int Cases, int Persons, decimal Total, CountyFigures[]? ByCounty, string CreatedBy, DateTime CreatedAt);

    private static readonly string[] Readers =
        [Roles.CountyOfficer, Roles.CountyApprover, Roles.FinanceOfficer, Roles.ProvinceAdmin, Roles.SystemAdmin];

    public static void MapPriceSubsidies(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/price-subsidies").WithTags("Price subsidies").RequireAuthorization();
        group.MapPost("", Start);
        group.MapGet("", List);
        group.MapGet("/{id:guid}", Get);
    }

    private static async Task<Created<SubsidyView>> Start(SubsidyStart body, HttpContext http, WorkflowDb db, TimeProvider clock,
        CancellationToken ct)
    {
        var subsidy = await new Workflows.PriceSubsidies.PriceSubsidies(db, clock).StartAsync(body, http.User.Actor(), ct);
        return TypedResults.Created($"/api/price-subsidies/{subsidy.Id}", View(subsidy, await ByCountyAsync(db, subsidy.Id, ct)));
    }

    private static async Task<Ok<CaseEndpoints.Page<SubsidyView>>> List(string? regionCode, string? period, int? page, int? pageSize,
        HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var scope = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
        Authorise.Covers(actor, scope, "regionCode");
        // A county official sees the city's subsidies that pay the county as well as the county's own.
        var query = db.PriceSubsidies.AsNoTracking().Where(s => s.RegionCode.StartsWith(scope) || scope.StartsWith(s.RegionCode));
        if (period is { Length: > 0 }) query = query.Where(s => s.Period == period);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(s => s.Period).ThenBy(s => s.RegionCode).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new CaseEndpoints.Page<SubsidyView>([.. items.Select(s => View(s, null))], total, p, size));
    }

    private static async Task<Ok<SubsidyView>> Get(Guid id, HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        var subsidy = await db.PriceSubsidies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subsidy is null || !(actor.Covers(subsidy.RegionCode) || actor.RegionCode.StartsWith(subsidy.RegionCode, StringComparison.Ordinal)))
            throw new Runtime.NotFoundProblem($"No price subsidy {id} in your jurisdiction.");
        // A county reading its city's subsidy sees its own figures, not its neighbours'.
        var counties = (await ByCountyAsync(db, id, ct)).Where(c => actor.Covers(c.RegionCode)).ToArray();
        return TypedResults.Ok(View(subsidy, counties));
    }

    /// <summary>What each county of the subsidy pays: its cases, persons and money, from the shares written.</summary>
    private static async Task<CountyFigures[]> ByCountyAsync(WorkflowDb db, Guid id, CancellationToken ct)
    {
        var payments = await db.Payments.AsNoTracking().Where(p => p.PriceSubsidyId == id && p.Status != PaymentStatus.Cancelled)
            .GroupBy(p => p.RegionCode.Substring(0, 6))
            .Select(g => new { County = g.Key, Cases = g.Count(), Fen = g.Sum(p => p.AmountFen) }).ToListAsync(ct);
        var persons = await db.PriceSubsidyShares.AsNoTracking().Where(s => s.SubsidyId == id)
            .Join(db.Payments.Where(p => p.PriceSubsidyId == id), s => s.CaseId, p => p.CaseId, (s, p) => p.RegionCode.Substring(0, 6))
            .GroupBy(county => county).Select(g => new { County = g.Key, Persons = g.Count() }).ToListAsync(ct);
        return [.. payments.OrderBy(p => p.County, StringComparer.Ordinal).Select(p => new CountyFigures(p.County, p.Cases,
            persons.FirstOrDefault(x => x.County == p.County)?.Persons ?? 0, Money.ToYuan(p.Fen)))];
    }

    private static SubsidyView View(PriceSubsidyRecord s, CountyFigures[]? byCounty) => new(s.Id, s.RegionCode, s.Period,
        Money.ToYuan(s.AmountPerPersonFen), s.Categories.Split(',', StringSplitOptions.RemoveEmptyEntries),
        JsonSerializer.Deserialize<DistrictRate[]>(s.RatesJson, JsonSerializerOptions.Web) ?? [], s.Cases, s.Persons,
        Money.ToYuan(s.TotalFen), byCounty, s.CreatedBy, s.CreatedAt);
}
