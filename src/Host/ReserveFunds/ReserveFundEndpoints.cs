using Workflows.Host.Auth;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.ReserveFunds;

namespace Workflows.Host.ReserveFunds;

/// <summary>A township's reserve fund (API.md, Reserve fund): allocations and returns by the county, the ledger.</summary>
public static class ReserveFundEndpoints
{
    public sealed record ChangeBody(decimal? Amount, string? Note);
    public sealed record EntryView(DateTime At, string Kind, decimal Amount, Guid? CaseId, decimal BalanceAfter, string By, string? Note);
    public sealed record FundView(string RegionCode, decimal Balance, EntryView[] Entries);

    public static void MapReserveFunds(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reserve-funds").WithTags("Reserve fund").RequireAuthorization();
        group.MapGet("/{townshipCode}", async (string townshipCode, HttpContext http, WorkflowDb db, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await ViewAsync(new ReserveFundLedger(db, clock), townshipCode, http, ct)));
        group.MapPost("/{townshipCode}/allocations", async (string townshipCode, ChangeBody body, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var ledger = new ReserveFundLedger(db, clock);
            await ledger.AllocateAsync(townshipCode, body.Amount, body.Note, http.User.Actor(), ct);
            return TypedResults.Created($"/api/reserve-funds/{townshipCode}", await ViewAsync(ledger, townshipCode, http, ct));
        });
        group.MapPost("/{townshipCode}/returns", async (string townshipCode, ChangeBody body, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var ledger = new ReserveFundLedger(db, clock);
            await ledger.ReturnAsync(townshipCode, body.Amount, body.Note, http.User.Actor(), ct);
            return TypedResults.Created($"/api/reserve-funds/{townshipCode}", await ViewAsync(ledger, townshipCode, http, ct));
        });
    }

    private static async Task<FundView> ViewAsync(ReserveFundLedger ledger, string township, HttpContext http, CancellationToken ct)
    {
        var (fund, entries) = await ledger.ReadAsync(township, http.User.Actor(), ct);
        return new FundView(fund.TownshipCode, Money.ToYuan(fund.BalanceFen), [.. entries.Select(e => new EntryView(
            e.At, e.Kind, Money.ToYuan(e.AmountFen), e.CaseId, Money.ToYuan(e.BalanceAfterFen), e.By, e.Note))]);
    }
}
