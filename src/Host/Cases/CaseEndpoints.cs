using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Cases;

public static class CaseEndpoints
{
    /// <summary>The body of <c>POST /api/cases/{id}/withdraw</c>: the applicant's reason, required.</summary>
    public sealed record WithdrawCommand(string? Reason);

    public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

    public static void MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization();

        group.MapPost("", async (StartCaseCommand command, HttpContext http, CaseEngine engine, WorkflowDb db,
            DefinitionCatalog catalog, WorkingDayCalendar calendar, TimeProvider clock, CancellationToken ct) =>
        {
            var started = await engine.StartAsync(command, http.User.Actor(), ct);
            return TypedResults.Created($"/api/cases/{started.Case.Id}",
                Disclosure.Masked(await CaseViews.LoadAsync(db, catalog, calendar, started, clock.GetUtcNow().UtcDateTime, ct)));
        });

        group.MapGet("/{id:guid}", async (Guid id, HttpContext http, WorkflowDb db, DefinitionCatalog catalog,
            WorkingDayCalendar calendar, TimeProvider clock, CancellationToken ct) =>
        {
            var record = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (record is null || !CanSee(http.User.Actor(), record)) throw new NotFoundProblem($"No case {id} in your jurisdiction.");
            var view = await CaseViews.LoadAsync(db, catalog, calendar, record, clock.GetUtcNow().UtcDateTime, ct);
            var complaints = await db.Complaints.AsNoTracking().Where(c => c.CaseId == id).OrderBy(c => c.CreatedAt)
                .Select(c => new ComplaintSummary(c.Id, c.Subject, c.Status, c.Owner, c.DueAt, c.Escalated)).ToArrayAsync(ct);
            if (complaints.Length > 0) view = view with { Complaints = complaints };
            return TypedResults.Ok(await Disclosure.ForCasePageAsync(view, http.User.Actor(), db, clock, ct));
        });

        group.MapPost("/{id:guid}/withdraw", async (Guid id, WithdrawCommand body, HttpContext http, CaseEngine engine, WorkflowDb db,
            DefinitionCatalog catalog, WorkingDayCalendar calendar, TimeProvider clock, CancellationToken ct) =>
        {
            var withdrawn = await engine.WithdrawAsync(id, body.Reason, http.User.Actor(), ct);
            return TypedResults.Ok(Disclosure.Masked(await CaseViews.LoadAsync(db, catalog, calendar, withdrawn, clock.GetUtcNow().UtcDateTime, ct)));
        });

        group.MapGet("", async (string? procedure, string? status, string? regionCode, string? q, int? page, int? pageSize,
            HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            var actor = http.User.Actor();
            var (p, size) = Paging(page, pageSize);
            var scope = regionCode is { Length: > 0 } && regionCode.StartsWith(actor.RegionCode) ? regionCode : actor.RegionCode;
            var query = db.Cases.AsNoTracking().Where(c => c.RegionCode.StartsWith(scope));
            if (procedure is { Length: > 0 }) query = query.Where(c => c.Procedure == procedure);
            if (status is { Length: > 0 }) query = query.Where(c => c.Status == status);
            var search = q?.Trim() ?? "";
            if (search.Length > MaxSearchLength) throw new InvalidInput("q", $"最多 {MaxSearchLength} 个字符 (at most {MaxSearchLength} characters)");
            if (IsIdFragment(search))
                return TypedResults.Ok(await ByIdAsync(db, query, IdQuery.Of(search.ToUpperInvariant(), actor), p, size, ct));
            if (search.Length > 0) query = query.Where(c => c.ApplicantName.Contains(search));
            var total = await query.CountAsync(ct);
            var items = await query.OrderByDescending(c => c.CreatedAt).Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new Page<CaseSummary>(items.Select(CaseViews.Summary).ToList(), total, p, size));
        });
    }

    private const int MaxSearchLength = 40;
    /// <summary>How many of the newest cases in scope an ID search reads: ID numbers are sealed at rest, so they are
    /// compared opened, here, never in SQL. Narrow by region, procedure or status to reach further back.</summary>
    public const int IdSearchWindow = 5_000;

    /// <summary>Four or more characters of an ID number (the last four an official reads off a masked list, or all 18).</summary>
    private static bool IsIdFragment(string q) =>
        q.Length >= 4 && q.All(c => char.IsAsciiDigit(c) || c is 'x' or 'X' or '*') && q.Any(char.IsAsciiDigit);

    /// <summary>What an ID search may ask. Everyone: the whole number, its masked form (the first six and last four a list
    /// shows) or its last four. Any other run of digits only for the roles that may see whole numbers: otherwise a run of
    /// guesses would read a masked number back digit by digit.</summary>
    private sealed record IdQuery(string? Whole, string? Prefix, string? Suffix, string? Inside)
    {
        public static IdQuery Of(string q, Actor actor)
        {
            if (q.Length == 18 && !q.Contains('*')) return new(q, null, null, null);
            var parts = q.Split('*', StringSplitOptions.RemoveEmptyEntries);
            if (q.Contains('*') && parts is [{ Length: 6 } first, { Length: 4 } last] && q.StartsWith(first) && q.EndsWith(last))
                return new(null, first, last, null);
            if (!q.Contains('*') && q.Length == 4) return new(null, null, q, null);
            if (!q.Contains('*') && Disclosure.MaySeeFullIdNumber(actor)) return new(null, null, null, q);
            throw new InvalidInput("q", "请输入完整身份证号码、其后四位，或列表中显示的遮挡号码（前六位与后四位）" +
                                        " (the whole ID number, its last four digits, or its masked form)");
        }

        public bool Matches(string id) =>
            Whole is not null ? id == Whole
            : Prefix is not null ? id.StartsWith(Prefix, StringComparison.Ordinal) && id.EndsWith(Suffix!, StringComparison.Ordinal)
            : Suffix is not null ? id.EndsWith(Suffix, StringComparison.Ordinal)
            : id.Contains(Inside!, StringComparison.Ordinal);
    }

    private static async Task<Page<CaseSummary>> ByIdAsync(WorkflowDb db, IQueryable<CaseRecord> query, IdQuery id, int page, int size,
        CancellationToken ct)
    {
        // Only the number is read (and opened) for the window, not the sealed documents of every case in it.
        var window = await query.OrderByDescending(c => c.CreatedAt).Take(IdSearchWindow)
            .Select(c => new { c.Id, c.ApplicantIdNumber }).ToListAsync(ct);
        var matched = window.Where(c => id.Matches(c.ApplicantIdNumber)).Select(c => c.Id).ToList();
        var shown = matched.Skip((page - 1) * size).Take(size).ToList();
        var items = await db.Cases.AsNoTracking().Where(c => shown.Contains(c.Id)).ToListAsync(ct);
        return new Page<CaseSummary>(items.OrderByDescending(c => c.CreatedAt).Select(CaseViews.Summary).ToList(), matched.Count, page, size);
    }

    /// <summary>Cases in the caller's region, and — for village staff entrusted by a township — the cases filed
    /// at the township above them.</summary>
    public static bool CanSee(Actor actor, CaseRecord record) =>
        actor.Covers(record.RegionCode) || actor.RegionCode.StartsWith(record.RegionCode, StringComparison.Ordinal);

    public const int MaxPage = 1_000_000;

    public static (int Page, int PageSize) Paging(int? page, int? pageSize)
    {
        var errors = new FieldErrors();
        // A page past any list would otherwise overflow (page − 1) × pageSize into the first page.
        if (page is < 1 or > MaxPage) errors.Add("page", $"1 到 {MaxPage} (between 1 and {MaxPage})");
        if (pageSize is < 1 or > 200) errors.Add("pageSize", "1 到 200 (between 1 and 200)");
        errors.ThrowIfAny();
        return (page ?? 1, pageSize ?? 50);
    }
}
