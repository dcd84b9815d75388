using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Payroll;

/// <summary>What one bank return did: rows matched and paid or failed, rows whose payment id is not in the run, and rows
/// whose account or amount differ from what was sent (changed nothing). Importing the same file again reports the same.</summary>
public sealed record BankReturnResult(int Rows, int Paid, int Failed, int Unmatched, int Mismatched, string RunStatus);

/// <summary>
/// The bank's result file (回盘文件) for a sent run: <c>付款编号,银行账号,金额,结果,失败原因</c>. The whole file is checked
/// first — a wrong column, a bad amount or a payment id listed twice refuses it, naming the row — and then applied in one
/// transaction: nothing is half-imported. Each case with a newly failed payment gets a task to correct the account, in the
/// same transaction.
/// </summary>
public sealed class BankReturn(WorkflowDb db, TimeProvider clock, CaseEngine engine)
{
    public static readonly string[] Columns = ["付款编号", "银行账号", "金额", "结果", "失败原因"];
    private const string Success = "成功";
    private const string Failure = "失败";
    private const int MaxErrors = 100;
    private const int Chunk = 2000;

    private sealed record Line(int Row, Guid PaymentId, string Account, long AmountFen, bool Paid, string? Reason);

    public async Task<BankReturnResult> ImportAsync(Guid runId, Stream body, string? encoding, Actor actor, CancellationToken ct = default)
    {
        var text = (encoding ?? "utf-8").ToLowerInvariant() switch
        {
            "utf-8" => null,
            "gbk" => BankFile.Gbk(),
            _ => throw new InvalidInput("encoding", "应为 utf-8 或 gbk (utf-8 or gbk)"),
        };
        var run = await new PayrollRuns(db, clock).VisibleAsync(runId, actor, ct);
        PayrollRuns.Require(actor, run.RegionCode, [Roles.FinanceOfficer]);
        if (run.Status is PayrollRunStatus.Draft or PayrollRunStatus.Approved)
            throw new ConflictProblem("银行文件尚未下发，不能导入回盘 (the run's bank file has not been sent yet).");

        db.Database.SetCommandTimeout(PayrollRuns.LongStatements);
        var path = Path.GetTempFileName();
        try
        {
            await using (var copy = File.Create(path)) await body.CopyToAsync(copy, ct);
            var lines = Read(path, text);
            string sha;
            await using (var file = File.OpenRead(path)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
            return await ApplyAsync(run, lines, sha, actor, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<Line> Read(string path, System.Text.Encoding? encoding)
    {
        var errors = new FieldErrors();
        var lines = new List<Line>();
        var seen = new Dictionary<Guid, int>();
        using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions { Separator = ',', TrimWhitespace = true, Encoding = encoding });
        var indexes = new int[Columns.Length];
        csv.ReadHeader();
        var headers = csv.Headers.ToArray();
        for (var i = 0; i < Columns.Length; i++)
            indexes[i] = Array.IndexOf(headers, Columns[i]);
        var unknown = headers.Except(Columns).ToList();
        if (indexes.Any(i => i < 0) || unknown.Count > 0)
            throw new InvalidInput("columns", $"回盘文件的列应为 {string.Join(",", Columns)}；收到 {string.Join(",", headers)} " +
                                              "(the bank return's columns are wrong)");
        while (csv.Read())
        {
            var row = (int)csv.RowNumber;
            string Field(int column) => csv.GetString(indexes[column]);
            string At(int column) => $"rows[{row}].{Columns[column]}";
            if (errors.Count >= MaxErrors) break;
            var ok = true;
            if (!Guid.TryParse(Field(0), out var id)) { errors.Add(At(0), $"第 {row} 行：付款编号无效 (not a payment id)"); ok = false; }
            else if (seen.TryGetValue(id, out var first)) { errors.Add(At(0), $"第 {row} 行：与第 {first} 行重复 (listed twice)"); ok = false; }
            else seen[id] = row;
            var account = Field(1);
            if (account.Length == 0) { errors.Add(At(1), $"第 {row} 行：必填 (required)"); ok = false; }
            if (!decimal.TryParse(Field(2), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan)
                || !Money.IsAmount(yuan, zeroAllowed: true))
            {
                errors.Add(At(2), $"第 {row} 行：应为金额（元），最多两位小数 (an amount in yuan, at most 2 decimals)");
                ok = false;
            }
            var result = Field(3);
            if (result is not (Success or Failure)) { errors.Add(At(3), $"第 {row} 行：应为“成功”或“失败” (成功 or 失败)"); ok = false; }
            var reason = Field(4);
            if (result == Failure && reason.Length == 0) { errors.Add(At(4), $"第 {row} 行：失败须写明原因 (a failure needs its reason)"); ok = false; }
            // The account as the bank writes it (in groups, with dashes) is compared as the digits the file was sent with.
            if (ok) lines.Add(new Line(row, id, BankAccountCorrection.Normalise(account) ?? account, Money.ToFen(yuan), result == Success,
                reason.Length > 0 ? reason : null));
        }
        if (lines.Count == 0 && !errors.Any) errors.Add("rows", "回盘文件没有数据行 (the file has no rows)");
        errors.ThrowIfAny();
        return lines;
    }

    private async Task<BankReturnResult> ApplyAsync(PayrollRunRecord run, List<Line> lines, string sha, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (paid, failed, unmatched, mismatched) = (0, 0, 0, 0);
        var newlyFailed = new List<Guid>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Two returns of one run at once would each see the payments unanswered: the second waits for the first.
        if (db.IsPostgres) await db.Database.ExecuteSqlInterpolatedAsync($"SELECT id FROM payroll_runs WHERE id = {run.Id} FOR UPDATE", ct);
        // The same file again answers as it did the first time and touches nothing, even after a supplementary run has
        // taken the run's failed payments away to send them again.
        if (await db.BankReturns.AsNoTracking().Where(r => r.RunId == run.Id && r.Sha256 == sha).OrderBy(r => r.At).FirstOrDefaultAsync(ct)
            is { } earlier)
        {
            var runStatus = await db.PayrollRuns.Where(r => r.Id == run.Id).Select(r => r.Status).SingleAsync(ct);
            return new BankReturnResult(earlier.Rows, earlier.Paid, earlier.Failed, earlier.Unmatched, earlier.Mismatched, runStatus);
        }
        foreach (var chunk in lines.Chunk(Chunk))
        {
            var ids = chunk.Select(l => l.PaymentId).ToList();
            var payments = await db.Payments.Where(p => ids.Contains(p.Id) && p.RunId == run.Id).ToDictionaryAsync(p => p.Id, ct);
            foreach (var line in chunk)
            {
                if (!payments.TryGetValue(line.PaymentId, out var payment)) { unmatched++; continue; }
                var result = line.Paid ? PaymentStatus.Paid : PaymentStatus.Failed;
                var answered = payment.Status is PaymentStatus.Paid or PaymentStatus.Failed;
                if (payment.BankAccount != line.Account || payment.AmountFen != line.AmountFen || (answered && payment.Status != result))
                {
                    mismatched++;
                    continue;
                }
                if (line.Paid) paid++; else failed++;
                if (answered) continue; // the same answer again: nothing changes
                (payment.Status, payment.ResultAt, payment.FailureReason) = (result, now, line.Reason);
                if (!line.Paid) newlyFailed.Add(payment.Id);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        foreach (var ofCase in (await db.Payments.AsNoTracking().Where(p => newlyFailed.Contains(p.Id)).ToListAsync(ct)).GroupBy(p => p.CaseId))
            await engine.OpenBankAccountCorrectionAsync(ofCase.Key, [.. ofCase], BankAccountCorrection.Failed, ct);
        var status = await ReconcileAsync(run, now, ct);
        db.BankReturns.Add(new BankReturnRecord
        {
            RunId = run.Id, Sha256 = sha, Rows = lines.Count, Paid = paid, Failed = failed, Unmatched = unmatched,
            Mismatched = mismatched, By = actor.Username, At = now,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new BankReturnResult(lines.Count, paid, failed, unmatched, mismatched, status);
    }

    /// <summary>The run's paid and failed figures from its payments; reconciled once none is waiting for an answer.</summary>
    private async Task<string> ReconcileAsync(PayrollRunRecord run, DateTime now, CancellationToken ct)
    {
        var figures = await db.Payments.Where(p => p.RunId == run.Id).GroupBy(p => p.Status)
            .Select(g => new { Status = g.Key, Count = g.Count(), Fen = g.Sum(p => p.AmountFen) }).ToListAsync(ct);
        var paidFigures = figures.FirstOrDefault(f => f.Status == PaymentStatus.Paid);
        var failedFigures = figures.FirstOrDefault(f => f.Status == PaymentStatus.Failed);
        var waiting = figures.Any(f => f.Status is PaymentStatus.Sent or PaymentStatus.Pending);
        var status = waiting ? run.Status : PayrollRunStatus.Reconciled;
        await db.PayrollRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.PaidCount, paidFigures == null ? 0 : paidFigures.Count)
            .SetProperty(r => r.PaidFen, paidFigures == null ? 0 : paidFigures.Fen)
            .SetProperty(r => r.FailedCount, failedFigures == null ? 0 : failedFigures.Count)
            .SetProperty(r => r.FailedFen, failedFigures == null ? 0 : failedFigures.Fen)
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.ReconciledAt, waiting ? run.ReconciledAt : run.ReconciledAt ?? now), ct);
        return status;
    }
}
