using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.DataComparison;
using Workflows.Host.Auth;
using Workflows.Host.Cases;
using Workflows.Host.Setup;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.DataComparison;

/// <summary>数据比对 (API.md, Data comparison): import an outside list for a region; each import kept with its rows for audit.</summary>
public static class DataComparisonEndpoints
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public sealed record RowView(int Row, string IdNumber, string Name, string? Date, string Source, string Result, Guid? CaseId,
        string? Field, string? Message);

    private static readonly string[] Readers =
        [Roles.CountyOfficer, Roles.CountyApprover, Roles.TownshipOfficer, Roles.ProvinceAdmin, Roles.SystemAdmin];

    public static void MapDataComparisons(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/data-comparisons").WithTags("Data comparison").RequireAuthorization();
        // A county's register of a month: up to a few hundred thousand rows.
        group.MapPost("/{kind}", Import).Accepts<string>("text/csv", XlsxType)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(RequestSizes.BankReturnBytes));
        group.MapGet("", List);
        group.MapGet("/{id:guid}", Get);
        group.MapGet("/{id:guid}/rows", Rows);
    }

    private static async Task<Ok<ComparisonResult>> Import(string kind, string? regionCode, HttpContext http, WorkflowDb db,
        TimeProvider clock, Func<WorkflowDb, CaseEngine> engineFor, CancellationToken ct)
    {
        var xlsx = http.Request.ContentType?.StartsWith(XlsxType, StringComparison.OrdinalIgnoreCase) == true;
        var result = await new DataComparisons(db, clock, engineFor(db)).ImportAsync(kind, regionCode, http.Request.Body, xlsx, http.User.Actor(), ct);
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<CaseEndpoints.Page<ComparisonResult>>> List(string? regionCode, int? page, int? pageSize, HttpContext http,
        WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        var scope = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
        Authorise.Covers(actor, scope, "regionCode");
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var query = db.DataComparisons.AsNoTracking().Where(c => c.RegionCode.StartsWith(scope));
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.At).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var results = new List<ComparisonResult>();
        foreach (var item in items) results.Add(await DataComparisons.ResultAsync(db, item, repeated: false, ct));
        return TypedResults.Ok(new CaseEndpoints.Page<ComparisonResult>(results, total, p, size));
    }

    private static async Task<DataComparisonRecord> VisibleAsync(Guid id, Actor actor, WorkflowDb db, CancellationToken ct)
    {
        Authorise.Role(actor, Readers);
        var comparison = await db.DataComparisons.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (comparison is null || !actor.Covers(comparison.RegionCode)) throw new NotFoundProblem($"No data comparison {id} in your jurisdiction.");
        return comparison;
    }

    private static async Task<Ok<ComparisonResult>> Get(Guid id, HttpContext http, WorkflowDb db, CancellationToken ct) =>
        TypedResults.Ok(await DataComparisons.ResultAsync(db, await VisibleAsync(id, http.User.Actor(), db, ct), repeated: false, ct));

    /// <summary>Every row and what became of it, ID numbers masked (the list keeps only their keyed hash).</summary>
    private static async Task<Ok<CaseEndpoints.Page<RowView>>> Rows(Guid id, string? result, int? page, int? pageSize, HttpContext http,
        WorkflowDb db, CancellationToken ct)
    {
        await VisibleAsync(id, http.User.Actor(), db, ct);
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var query = db.DataComparisonRows.AsNoTracking().Where(r => r.ComparisonId == id);
        if (result is { Length: > 0 }) query = query.Where(r => r.Result == result);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(r => r.Row).ThenBy(r => r.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new CaseEndpoints.Page<RowView>([.. rows.Select(r => new RowView(r.Row, r.MaskedIdNumber, r.Name,
            r.Date?.ToString("yyyy-MM-dd"), r.Source, r.Result, r.CaseId, r.Field, r.Message))], total, p, size));
    }
}
