using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Payroll;

public sealed record ProcedureTotal(string Procedure, int Count, decimal Total);

/// <summary>A run as it was drawn up, with the pending payments of the county it could not take (no bank account); no run
/// when every payment due waits for an account.</summary>
public sealed record DrawnRun(PayrollRunRecord? Run, int WithoutBankAccount);

/// <summary>
/// Draws up and approves payroll runs. Drawing up is set-based — one UPDATE attaches every payment the run takes, however
/// many households — and runs in one transaction with the run's row, whose unique index refuses a second regular run of
/// the county and month: a crash leaves the whole run or nothing.
/// </summary>
public sealed class PayrollRuns(WorkflowDb db, TimeProvider clock)
{
    public static readonly string[] CreatorRoles = [Roles.FinanceOfficer, Roles.CountyOfficer];

    /// <summary>A county's month is one statement over every household: far longer than a command's, never cut off at
    /// the 30 s that suit those.</summary>
    public static readonly TimeSpan LongStatements = TimeSpan.FromMinutes(30);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<DrawnRun> CreateAsync(string? regionCode, string? period, bool supplementary, Actor actor, CaseEngine engine,
        CancellationToken ct = default, Guid? priceSubsidyId = null)
    {
        using var activity = Telemetry.Tracing.Source.StartActivity("payroll run draw");
        activity?.SetTag("workflows.region", regionCode);
        activity?.SetTag("workflows.period", period);
        var county = regionCode ?? "";
        var subsidy = priceSubsidyId is { } subsidyId ? await SubsidyOfRunAsync(subsidyId, county, period, supplementary, ct) : null;
        period ??= subsidy?.Period;
        CheckRunInput(county, period);
        Require(actor, county, CreatorRoles);
        if (!await db.Regions.AnyAsync(r => r.Code == county, ct))
            throw new InvalidInput("regionCode", $"未知的区划代码 {county} (unknown region)");
        if (subsidy is not null) return await CreateSubsidyRunAsync(subsidy, county, actor, engine, ct);

        db.Database.SetCommandTimeout(LongStatements);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!supplementary) await LockMonthAsync(db, county, period!, shared: false, ct);
        var run = new PayrollRunRecord
        {
            Id = Guid.CreateVersion7(), RegionCode = county, Period = period!, Supplementary = supplementary,
            CreatedBy = actor.Username, CreatedAt = Now,
        };
        db.PayrollRuns.Add(run);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            var first = await RegularOf(db, county).AsNoTracking().FirstAsync(r => r.Period == period, ct);
            throw new ConflictProblem($"{county} 已有 {period} 的常规发放批次 {first.Id}（{first.Status}）；失败后更正的请发起补发批次 " +
                                      $"(a regular run exists: {first.Id})");
        }
        // API.md: a supplementary run takes only the month's corrected failed payments. (A benefit granted after its
        // month's run was drawn pays that month as a pending payment of its case, which the next regular run takes.)
        // The payments taken are counted while they are few; the benefits' payments are counted as they are written.
        List<ProcedureFen> totals;
        if (supplementary)
        {
            await TakeCorrectedAsync(run, ct);
            totals = await TotalsOfRunAsync(db, run, ct);
        }
        else
        {
            await TakePendingAsync(run, ct);
            List<ProcedureFen> taken = db.IsPostgres ? await TotalsOfRunAsync(db, run, ct) : [];
            var written = await PayBenefitsAsync(run, ct);
            totals = written is null ? await TotalsOfRunAsync(db, run, ct) : [.. taken, .. written];
        }
        FixTotals(run, totals);
        var withoutAccount = supplementary ? 0 : await WaitingForAccount(county).CountAsync(p => p.PriceSubsidyId == null, ct);
        if (run.Count == 0 && withoutAccount == 0) // not committed: no empty run stands in the way of a later one
            throw new ConflictProblem(supplementary
                ? $"{county} {period} 没有更正了账户待补发的失败付款 (no failed payment of that month had its account corrected since)"
                : $"{county} 没有 {period} 及以前待发放的付款 (nothing to pay for that month)");
        if (run.Count == 0) db.PayrollRuns.Remove(run); // the month's payments stand, waiting for accounts; the run does not
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await AskForAccountsAsync(county, engine, ct);
        // Nothing could go to the bank, yet the month's payments were written and their accounts asked for: that is done,
        // not refused, and the answer says so without a run (a run of nothing would stand in the way of the real one).
        return new DrawnRun(run.Count == 0 ? null : run, withoutAccount);
    }

    /// <summary>The subsidy a run is asked to pay, if the rest of the request fits it: its month, a county within its region.</summary>
    private async Task<PriceSubsidies.PriceSubsidyRecord> SubsidyOfRunAsync(Guid id, string county, string? period, bool supplementary,
        CancellationToken ct)
    {
        var subsidy = await db.PriceSubsidies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new InvalidInput("priceSubsidyId", $"没有价格临时补贴 {id} (no such price subsidy)");
        var errors = new FieldErrors();
        if (supplementary) errors.Add("supplementary", "价格临时补贴自成批次，不是补发批次 (a subsidy's run is not a supplementary run)");
        if (period is not null && period != subsidy.Period)
            errors.Add("period", $"该补贴为 {subsidy.Period} 月的 (the subsidy is for {subsidy.Period})");
        if (!county.StartsWith(subsidy.RegionCode, StringComparison.Ordinal))
            errors.Add("regionCode", $"该补贴由 {subsidy.RegionCode} 发起，不含 {county} (the county is outside the subsidy's region)");
        errors.ThrowIfAny();
        return subsidy;
    }

    /// <summary>A county's run of one price subsidy: the subsidy's pending payments of the county that have an account
    /// and no run yet. A second run takes those whose account was missing and has been entered since; with nothing left to
    /// take it is refused. (A payment belongs to one run: nothing is paid twice.)</summary>
    private async Task<DrawnRun> CreateSubsidyRunAsync(PriceSubsidies.PriceSubsidyRecord subsidy, string county, Actor actor,
        CaseEngine engine, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var run = new PayrollRunRecord
        {
            Id = Guid.CreateVersion7(), RegionCode = county, Period = subsidy.Period, PriceSubsidyId = subsidy.Id,
            CreatedBy = actor.Username, CreatedAt = Now,
        };
        db.PayrollRuns.Add(run);
        await db.SaveChangesAsync(ct);
        await db.Payments.Where(p => p.PriceSubsidyId == subsidy.Id && p.RunId == null && p.Status == PaymentStatus.Pending
                                     && p.RegionCode.StartsWith(county) && p.BankAccount != null && p.BankAccount != "")
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.RunId, run.Id), ct);
        FixTotals(run, await TotalsOfRunAsync(db, run, ct));
        var withoutAccount = await WaitingForAccount(county).CountAsync(p => p.PriceSubsidyId == subsidy.Id, ct);
        if (run.Count == 0 && withoutAccount == 0)
            throw new ConflictProblem($"该价格临时补贴在 {county} 没有待发放的付款，已有的发放批次：" +
                                      string.Join(", ", await db.PayrollRuns.AsNoTracking()
                                          .Where(r => r.RegionCode == county && r.PriceSubsidyId == subsidy.Id && r.Id != run.Id)
                                          .Select(r => r.Id).ToListAsync(ct)) + " (nothing of that subsidy left to pay in the county)");
        if (run.Count == 0) db.PayrollRuns.Remove(run);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await AskForAccountsAsync(county, engine, ct);
        return new DrawnRun(run.Count == 0 ? null : run, withoutAccount);
    }

    /// <summary>
    /// Whether the county's regular run of the month was drawn, asked inside the caller's transaction under the month's
    /// lock, which a run being drawn holds until it commits. Taken so by a grant (PostgreSQL): either the run commits
    /// first and is seen here, or the grant commits first and the run's INSERT … SELECT, which starts only once the lock
    /// is its own, sees the benefit. (SQLite takes no such lock: it lets one writer at a time, and a grant whose read
    /// went stale while a run committed cannot write after it.)
    /// </summary>
    public static async Task<bool> RegularRunDrawnAsync(WorkflowDb db, string county, string period, CancellationToken ct)
    {
        await LockMonthAsync(db, county, period, shared: true, ct);
        return await RegularOf(db, county).AnyAsync(r => r.Period == period, ct);
    }

    /// <summary>A county's regular runs: neither supplementary nor a price subsidy's (the unique index's own filter).</summary>
    public static IQueryable<PayrollRunRecord> RegularOf(WorkflowDb db, string county) =>
        db.PayrollRuns.Where(r => r.RegionCode == county && !r.Supplementary && r.PriceSubsidyId == null);

    private static async Task LockMonthAsync(WorkflowDb db, string county, string period, bool shared, CancellationToken ct)
    {
        if (!db.IsPostgres) return;
        var key = $"payroll-run {county} {period}";
        if (shared) await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock_shared(hashtext({key}))", ct);
        else await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({key}))", ct);
    }

    /// <summary>Pending payments of the county that no run could take, because the case names no bank account.</summary>
    private IQueryable<PaymentRecord> WaitingForAccount(string county) =>
        db.Payments.Where(p => p.RunId == null && p.Status == PaymentStatus.Pending && p.RegionCode.StartsWith(county)
                               && (p.BankAccount == null || p.BankAccount == ""));

    /// <summary>A payment without an account would wait unseen: its case gets the village caseworker's correction task
    /// (one per case, as for a failed payment), whose new account the next regular run pays to. Each case is its own
    /// command, after the run has committed.</summary>
    private async Task AskForAccountsAsync(string county, CaseEngine engine, CancellationToken ct)
    {
        var asked = db.Tasks.Where(t => t.Step == BankAccountCorrection.Step && t.Status == Tasks.TaskStatus.Open).Select(t => t.CaseId);
        var waiting = await WaitingForAccount(county).Where(p => !asked.Contains(p.CaseId)).AsNoTracking().ToListAsync(ct);
        foreach (var ofCase in waiting.GroupBy(p => p.CaseId))
            await engine.OpenBankAccountCorrectionAsync(ofCase.Key, [.. ofCase], BankAccountCorrection.Missing, ct);
    }

    /// <summary>
    /// One payment for the run's month for every benefit of the county that runs in it (active, or ended with that month
    /// as its last) and has none for it yet — one INSERT … SELECT, however many households, with the unique (case, period)
    /// key deciding "none yet" inside the database. The payee and account are the case's as it names them now (columns,
    /// not its JSON). A payment with an account joins the run as it is written (one write per row); one without waits, and
    /// the run says so. On PostgreSQL the statement returns what it wrote, summed per programme, so the run's totals need
    /// no second pass over a million payments; SQLite sums them afterwards (null here).
    /// </summary>
    private async Task<List<ProcedureFen>?> PayBenefitsAsync(PayrollRunRecord run, CancellationToken ct)
    {
        var postgres = db.IsPostgres;
        var id = postgres ? "gen_random_uuid()"
            : "upper(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' || " +
              "substr('89AB', 1 + abs(random()) % 4, 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12))";
        static string MonthOf(string period) =>
            $"(CAST(substr({period}, 1, 4) AS INTEGER) * 12 + CAST(substr({period}, 6, 2) AS INTEGER))";
        // (The WHERE clause is what lets SQLite tell the ON CONFLICT clause from the join's ON.)
        var insert = $"""
            INSERT INTO payments (id, case_id, region_code, procedure, period, instalment, payment_key, amount_fen, status,
                                  created_at, basis_json, payee_name, payee_id_number, bank_account, run_id)
            SELECT {id}, b.case_id, c.region_code, b.procedure, @period, {MonthOf("@period")} - {MonthOf("b.from_period")} + 1,
                   @period, b.monthly_amount_fen, '{PaymentStatus.Pending}', @now, b.basis_json, c.applicant_name,
                   c.applicant_id_number, c.applicant_bank_account,
                   CASE WHEN c.applicant_bank_account IS NULL THEN NULL ELSE @run END
            FROM {(postgres ? "benefits AS b" : "(SELECT *, hex(randomblob(16)) AS h FROM benefits) AS b")}
                 JOIN cases AS c ON c.id = b.case_id
            WHERE (b.status <> '{Benefits.BenefitStatus.Suspended}' OR b.suspended_from_period > @period) AND b.region_code LIKE @county
              AND b.from_period <= @period AND (b.until_period IS NULL OR b.until_period >= @period)
            ON CONFLICT (case_id, payment_key) DO NOTHING
            """;
        object[] parameters = [Parameter("period", run.Period), Parameter("now", Now), Parameter("county", run.RegionCode + "%"),
            Parameter("run", run.Id)];
        if (!postgres)
        {
            await db.Database.ExecuteSqlRawAsync(insert, parameters, ct);
            return null;
        }
        return await db.Database.SqlQueryRaw<ProcedureFen>($"""
            WITH written AS ({insert} RETURNING procedure, amount_fen, run_id)
            SELECT procedure AS "Procedure", count(*)::int AS "Count", sum(amount_fen)::bigint AS "Fen"
            FROM written WHERE run_id IS NOT NULL GROUP BY procedure
            """, parameters).ToListAsync(ct);
    }

    private System.Data.Common.DbParameter Parameter(string name, object value)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        var parameter = command.CreateParameter();
        (parameter.ParameterName, parameter.Value) = ("@" + name, value);
        return parameter;
    }

    /// <summary>Every pending payment of the county due by the run's month that no run holds and that has an account; a
    /// price subsidy's wait for its own run.</summary>
    private Task<int> TakePendingAsync(PayrollRunRecord run, CancellationToken ct) =>
        db.Payments.Where(p => p.RunId == null && p.Status == PaymentStatus.Pending && p.RegionCode.StartsWith(run.RegionCode)
                               && p.PriceSubsidyId == null && p.BankAccount != null && p.BankAccount != ""
                               && (p.Period == null || p.Period.CompareTo(run.Period) <= 0))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RunId, run.Id), ct);

    /// <summary>The month's failed payments whose account was corrected after the bank's answer: sent again, for the same
    /// period, under the same payment id.</summary>
    private Task<int> TakeCorrectedAsync(PayrollRunRecord run, CancellationToken ct)
    {
        var runsOfMonth = db.PayrollRuns.Where(r => r.RegionCode == run.RegionCode && r.Period == run.Period && r.Id != run.Id)
            .Select(r => (Guid?)r.Id);
        return db.Payments.Where(p => p.Status == PaymentStatus.Failed && runsOfMonth.Contains(p.RunId)
                                      && p.BankAccountCorrectedAt != null && p.BankAccountCorrectedAt >= p.ResultAt)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.RunId, run.Id)
                .SetProperty(p => p.Status, PaymentStatus.Pending)
                .SetProperty(p => p.SentAt, (DateTime?)null)
                .SetProperty(p => p.ResultAt, (DateTime?)null), ct);
    }

    /// <summary>Money of one programme in a run, in fen.</summary>
    private sealed record ProcedureFen(string Procedure, int Count, long Fen);

    /// <summary>The run's payments per programme.</summary>
    private static Task<List<ProcedureFen>> TotalsOfRunAsync(WorkflowDb db, PayrollRunRecord run, CancellationToken ct) =>
        db.Payments.Where(p => p.RunId == run.Id)
            .GroupBy(p => p.Procedure)
            .Select(g => new ProcedureFen(g.Key, g.Count(), g.Sum(x => x.AmountFen)))
            .ToListAsync(ct);

    private static void FixTotals(PayrollRunRecord run, IEnumerable<ProcedureFen> parts)
    {
        var byProcedure = parts.GroupBy(p => p.Procedure)
            .Select(g => new ProcedureFen(g.Key, g.Sum(x => x.Count), g.Sum(x => x.Fen)))
            .OrderBy(x => x.Procedure, StringComparer.Ordinal).ToList();
        run.Count = byProcedure.Sum(x => x.Count);
        run.TotalFen = byProcedure.Sum(x => x.Fen);
        run.ByProcedureJson = JsonSerializer.Serialize(
            byProcedure.Select(x => new ProcedureTotal(x.Procedure, x.Count, Money.ToYuan(x.Fen))), JsonSerializerOptions.Web);
    }

    /// <summary>四眼原则: a county approver who did not draw the run up approves it, after its control totals are checked
    /// against its payments. Approving an approved run again changes nothing.</summary>
    public async Task<PayrollRunRecord> ApproveAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var run = await VisibleAsync(id, actor, ct);
        Require(actor, run.RegionCode, [Roles.CountyApprover]);
        if (run.CreatedBy == actor.Username)
            throw new ForbiddenProblem("四眼原则：发放批次须由制表人以外的人审核 (the creator of a run cannot approve it).");
        if (run.Status != PayrollRunStatus.Draft) return run;
        await CheckTotalsAsync(run, ct);
        (run.Status, run.ApprovedBy, run.ApprovedAt) = (PayrollRunStatus.Approved, actor.Username, Now);
        var moved = await db.PayrollRuns.Where(r => r.Id == id && r.Status == PayrollRunStatus.Draft).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, run.Status).SetProperty(r => r.ApprovedBy, run.ApprovedBy).SetProperty(r => r.ApprovedAt, run.ApprovedAt), ct);
        return moved == 1 ? run : await db.PayrollRuns.AsNoTracking().SingleAsync(r => r.Id == id, ct);
    }

    /// <summary>
    /// A run not yet sent lost payments (a benefit stopped after its later month was drawn, API.md: <c>cancelled</c> when
    /// its benefit stopped before it was sent): its control totals are fixed anew, in the caller's transaction, and an
    /// approval of the old totals no longer stands — a second official approves what will now go to the bank.
    /// </summary>
    public static async Task RecountAsync(WorkflowDb db, Guid runId, CancellationToken ct)
    {
        var run = await db.PayrollRuns.SingleAsync(r => r.Id == runId, ct);
        FixTotals(run, await TotalsOfRunAsync(db, run, ct));
        if (run.Status == PayrollRunStatus.Approved) (run.Status, run.ApprovedBy, run.ApprovedAt) = (PayrollRunStatus.Draft, null, null);
    }

    /// <summary>The run's payments add up to the totals fixed when it was drawn up, as a bank checks a batch.</summary>
    public async Task CheckTotalsAsync(PayrollRunRecord run, CancellationToken ct)
    {
        var payments = db.Payments.Where(p => p.RunId == run.Id);
        var count = await payments.CountAsync(ct);
        var fen = count == 0 ? 0 : await payments.SumAsync(p => p.AmountFen, ct);
        if (count != run.Count || fen != run.TotalFen)
            throw new ConflictProblem($"控制数不符：批次记 {run.Count} 笔 {Money.ToYuan(run.TotalFen)} 元，付款实为 {count} 笔 " +
                                      $"{Money.ToYuan(fen)} 元 (the run's control totals do not match its payments)");
    }

    /// <summary>The run if it lies in the caller's jurisdiction; 404 otherwise, so other counties' runs do not leak.</summary>
    public async Task<PayrollRunRecord> VisibleAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var run = await db.PayrollRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null || !actor.Covers(run.RegionCode)) throw new NotFoundProblem($"No payroll run {id} in your jurisdiction.");
        return run;
    }

    public static void Require(Actor actor, string county, string[] roles)
    {
        if (!roles.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", roles)} (requires one of these roles).");
        if (!actor.Covers(county))
            throw new ForbiddenProblem($"regionCode {county} 不在您的辖区 {actor.RegionCode} 内 (outside your jurisdiction).");
    }

    private void CheckRunInput(string county, string? period)
    {
        var errors = new FieldErrors();
        if (!RegionCode.IsWellFormed(county) || RegionCode.LevelOf(county) != RegionLevel.County)
            errors.Add("regionCode", "发放以县（市、区）为单位，应为 6 位区划代码 (a county's 6-digit code)");
        if (!Period.IsWellFormed(period))
            errors.Add("period", "应为 YYYY-MM (a month, YYYY-MM)");
        else
        {
            var latest = Period.After(Period.Of(Now), 1);
            if (string.CompareOrdinal(period, latest) > 0)
                errors.Add("period", $"最晚为下月 {latest} (at most next month)");
        }
        errors.ThrowIfAny();
    }
}
