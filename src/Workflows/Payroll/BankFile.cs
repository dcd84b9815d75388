using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Workflows.Access;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Payroll;

/// <summary>A bank file written to a temporary file, with its control figures; the caller sends it and deletes it.</summary>
public sealed record BankFileExport(string Path, string FileName, string ContentType, int Count, long TotalFen, string Sha256) : IDisposable
{
    public void Dispose() => File.Delete(Path);
}

/// <summary>
/// The bank payment file (代发文件) of an approved run, in the columns of API.md. It is written row by row from the
/// database to a temporary file (a million rows never sit in memory), hashed as it is written, and checked against the
/// run's control totals before anything is marked sent. The same run gives the same CSV bytes every time.
/// </summary>
public sealed class BankFile(WorkflowDb db, TimeProvider clock)
{
    public static readonly string[] Columns = ["序号", "付款编号", "姓名", "身份证号", "银行账号", "金额", "摘要"];
    public static readonly string[] Formats = ["csv", "xlsx"];
    public static readonly string[] Encodings = ["utf-8", "gbk"];

    /// <summary>摘要 (API.md: procedure and period): what the bank shows the recipient, the kind of money by its usual name
    /// and its month; a procedure without a name here shows its key.</summary>
    private static readonly Dictionary<string, string> Summaries = new()
    {
        ["dibao"] = "低保金", ["tekun"] = "特困供养金", ["orphan-support"] = "孤儿基本生活费", ["temporary-aid"] = "临时救助金",
        ["emergency-aid"] = "临时救助金", ["case-by-case"] = "临时救助金", ["migrant-worker-aid"] = "临时救助金",
        ["epidemic-patient-aid"] = "救助金", ["price-subsidy"] = "价格临时补贴",
    };

    private sealed record Row(Guid PaymentId, string Name, string IdNumber, string? Account, long AmountFen, string Procedure);

    public async Task<BankFileExport> ExportAsync(Guid runId, string? format, string? encoding, Actor actor, CancellationToken ct = default)
    {
        format = (format ?? "csv").ToLowerInvariant();
        encoding = (encoding ?? "utf-8").ToLowerInvariant();
        var errors = new FieldErrors();
        if (!Formats.Contains(format)) errors.Add("format", "应为 csv 或 xlsx (csv or xlsx)");
        if (!Encodings.Contains(encoding)) errors.Add("encoding", "应为 utf-8 或 gbk (utf-8 or gbk)");
        if (format == "xlsx" && encoding != "utf-8") errors.Add("encoding", "xlsx 文件无需指定编码 (xlsx has no text encoding)");
        errors.ThrowIfAny();
        var runs = new PayrollRuns(db, clock);
        var run = await runs.VisibleAsync(runId, actor, ct);
        PayrollRuns.Require(actor, run.RegionCode, [Roles.FinanceOfficer]);
        if (run.Status == PayrollRunStatus.Draft)
            throw new ConflictProblem("发放批次尚未审核，不能生成银行文件 (the run is not approved yet).");

        db.Database.SetCommandTimeout(PayrollRuns.LongStatements);
        var path = System.IO.Path.GetTempFileName();
        try
        {
            var (count, fen, sha) = format == "csv"
                ? await WriteCsvAsync(path, run, encoding == "gbk" ? Gbk() : new UTF8Encoding(false), ct)
                : WriteXlsx(path, run);
            if (count != run.Count || fen != run.TotalFen)
                throw new ConflictProblem($"控制数不符：批次记 {run.Count} 笔 {Money.ToYuan(run.TotalFen)} 元，文件为 {count} 笔 " +
                                          $"{Money.ToYuan(fen)} 元 (the file does not match the run's control totals)");
            await MarkSentAsync(run, format, encoding, sha, actor, ct);
            var name = $"代发-{run.RegionCode}-{run.Period}{(run.Supplementary ? "-补发" : "")}-{run.Id.ToString()[..8]}.{format}";
            var type = format == "csv" ? $"text/csv; charset={encoding}"
                : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            return new BankFileExport(path, name, type, count, fen, sha);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>GBK that refuses what it cannot write (rare characters of names) instead of writing "?": the bank would
    /// pay no one, or the wrong one.</summary>
    public static Encoding Gbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    private IQueryable<Row> Rows(PayrollRunRecord run) =>
        from p in db.Payments.AsNoTracking()
        where p.RunId == run.Id
        orderby p.Id
        select new Row(p.Id, p.PayeeName, p.PayeeIdNumber, p.BankAccount, p.AmountFen, p.Procedure);

    private string Summary(PayrollRunRecord run, Row row) =>
        (Summaries.TryGetValue(row.Procedure, out var kind) ? kind : row.Procedure) + run.Period;

    /// <summary>金额: yuan with 2 decimals, as API.md writes it, in every format.</summary>
    public static string Yuan(long fen) => Money.ToYuan(fen).ToString("0.00", CultureInfo.InvariantCulture);

    private async Task<(int, long, string)> WriteCsvAsync(string path, PayrollRunRecord run, Encoding encoding, CancellationToken ct)
    {
        var (count, fen) = (0, 0L);
        await using (var file = File.Create(path))
        await using (var text = new StreamWriter(file, encoding))
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions(), leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            await foreach (var row in Rows(run).AsAsyncEnumerable().WithCancellation(ct))
            {
                count++;
                if (encoding is not UTF8Encoding) CheckEncodable(encoding, row, count);
                fen += row.AmountFen;
                csv.WriteRecord([count.ToString(CultureInfo.InvariantCulture), row.PaymentId.ToString(), row.Name, row.IdNumber,
                    row.Account ?? "", Yuan(row.AmountFen), Summary(run, row)]);
            }
            csv.Flush();
        }
        return (count, fen, await HashAsync(path, ct));
    }

    private static void CheckEncodable(Encoding encoding, Row row, int number)
    {
        try { encoding.GetByteCount(row.Name); }
        catch (EncoderFallbackException)
        {
            throw new InvalidInput("encoding", $"第 {number} 行（付款编号 {row.PaymentId}）的姓名有 GBK 无法表示的字，请改用 utf-8 或 xlsx " +
                                               "(a name GBK cannot write: use utf-8 or xlsx)");
        }
    }

    private (int, long, string) WriteXlsx(string path, PayrollRunRecord run)
    {
        var (count, fen) = (0, 0L);
        IEnumerable<Dictionary<string, object>> Sheet()
        {
            foreach (var row in Rows(run).AsEnumerable())
            {
                count++;
                fen += row.AmountFen;
                yield return new Dictionary<string, object>
                {
                    ["序号"] = count, ["付款编号"] = row.PaymentId.ToString(), ["姓名"] = row.Name, ["身份证号"] = row.IdNumber,
                    ["银行账号"] = row.Account ?? "", ["金额"] = Yuan(row.AmountFen), ["摘要"] = Summary(run, row),
                };
            }
        }
        using (var file = File.Create(path)) file.SaveAs(Sheet(), sheetName: "代发");
        using var written = File.OpenRead(path);
        return (count, fen, Convert.ToHexStringLower(SHA256.HashData(written)));
    }

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    /// <summary>The first download sends the run: its payments become sent. Every download is recorded.</summary>
    private async Task MarkSentAsync(PayrollRunRecord run, string format, string encoding, string sha, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (run.Status == PayrollRunStatus.Approved)
        {
            await db.PayrollRuns.Where(r => r.Id == run.Id && r.Status == PayrollRunStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, PayrollRunStatus.Sent).SetProperty(r => r.SentAt, now), ct);
            await db.Payments.Where(p => p.RunId == run.Id && p.Status == PaymentStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PaymentStatus.Sent).SetProperty(p => p.SentAt, now), ct);
        }
        db.BankFileDownloads.Add(new BankFileDownloadRecord
        {
            RunId = run.Id, Format = format, Encoding = encoding, Sha256 = sha, Count = run.Count, TotalFen = run.TotalFen,
            By = actor.Username, At = now,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
