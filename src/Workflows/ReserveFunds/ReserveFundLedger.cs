using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.ReserveFunds;

/// <summary>Allocations to a township's fund and returns from it, by the county's finance or civil-affairs officers.
/// (Payments from it are made by the command path, in the transaction of the 先行救助 case.)</summary>
public sealed class ReserveFundLedger(WorkflowDb db, TimeProvider clock)
{
    public static readonly string[] Keepers = [Roles.FinanceOfficer, Roles.CountyOfficer];

    public async Task<ReserveFundRecord> AllocateAsync(string townshipCode, decimal? amount, string? note, Actor actor,
        CancellationToken ct = default) =>
        await ChangeAsync(townshipCode, amount, note, actor, ReserveFundEntryKind.Allocation, ct);

    public async Task<ReserveFundRecord> ReturnAsync(string townshipCode, decimal? amount, string? note, Actor actor,
        CancellationToken ct = default) =>
        await ChangeAsync(townshipCode, amount, note, actor, ReserveFundEntryKind.Return, ct);

    private async Task<ReserveFundRecord> ChangeAsync(string township, decimal? amount, string? note, Actor actor, string kind,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (amount is not { } yuan || !Money.IsAmount(yuan))
            errors.Add("amount", "应为大于 0、最多两位小数的金额（元）(a positive amount in yuan with at most 2 decimals)");
        if (note?.Length > 200) errors.Add("note", "最多 200 个字符 (at most 200 characters)");
        errors.ThrowIfAny();
        await CheckAsync(township, actor, Keepers, ct);
        // API.md: the county's officers keep the fund; a township's own officers never put money into it.
        if (RegionCode.LevelOf(actor.RegionCode) > RegionLevel.County)
            throw new ForbiddenProblem("备用金由县级民政、财政部门拨付和收回 (a township's fund is kept by its county).");
        var fen = Money.ToFen(amount!.Value);
        var fund = await db.ReserveFunds.FirstOrDefaultAsync(f => f.TownshipCode == township, ct);
        if (fund is null) db.ReserveFunds.Add(fund = new ReserveFundRecord { TownshipCode = township });
        var change = kind == ReserveFundEntryKind.Return ? -fen : fen;
        if (fund.BalanceFen + change < 0)
            throw new InvalidInput("amount", $"备用金余额 {Money.ToYuan(fund.BalanceFen)} 元，不足以退回 {amount} 元 (above the balance)");
        fund.BalanceFen += change;
        fund.Version++;
        db.ReserveFundEntries.Add(new ReserveFundEntryRecord
        {
            TownshipCode = township, At = clock.GetUtcNow().UtcDateTime, Kind = kind, AmountFen = change,
            BalanceAfterFen = fund.BalanceFen, By = actor.Username, Note = note?.Trim(),
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
        {
            throw new ConflictProblem("备用金刚被他人变动，请刷新后重试 (the fund changed concurrently; reload and retry).");
        }
        return fund;
    }

    /// <summary>The fund's ledger, to anyone of the township's or county's civil-affairs and finance offices.</summary>
    public async Task<(ReserveFundRecord Fund, List<ReserveFundEntryRecord> Entries)> ReadAsync(string township, Actor actor,
        CancellationToken ct = default)
    {
        await CheckAsync(township, actor,
            [.. Keepers, Roles.CountyApprover, Roles.TownshipOfficer, Roles.TownshipApprover, Roles.EmergencyResponder,
             Roles.ProvinceAdmin, Roles.SystemAdmin], ct);
        var fund = await db.ReserveFunds.AsNoTracking().FirstOrDefaultAsync(f => f.TownshipCode == township, ct)
                   ?? new ReserveFundRecord { TownshipCode = township };
        var entries = await db.ReserveFundEntries.AsNoTracking().Where(e => e.TownshipCode == township).OrderBy(e => e.Id).ToListAsync(ct);
        return (fund, entries);
    }

    private async Task CheckAsync(string township, Actor actor, string[] roles, CancellationToken ct)
    {
        if (!RegionCode.IsWellFormed(township) || RegionCode.LevelOf(township) != RegionLevel.Township)
            throw new InvalidInput("townshipCode", "备用金设在乡镇（街道），应为 9 位区划代码 (a township's 9-digit code)");
        if (!roles.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", roles)} (requires one of these roles).");
        // The county keeps its townships' funds; a township sees its own.
        if (!actor.Covers(township))
            throw new NotFoundProblem($"No reserve fund {township} in your jurisdiction.");
        if (!await db.Regions.AnyAsync(r => r.Code == township, ct))
            throw new NotFoundProblem($"No region {township}.");
    }
}
