using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Host.Auth;
using Workflows.Host.Setup;
using Workflows.Host.Cases;
using Workflows.Payments;
using Workflows.Payroll;
using Workflows.Persistence;
using Workflows.Runtime;

namespace Workflows.Host.Payroll;

/// <summary>Payroll runs (API.md, Payroll runs): draw up, approve by a second official, bank file, bank return.</summary>
public static class PayrollEndpoints
{
    public sealed record RunBody(string? RegionCode, string? Period, bool? Supplementary, Guid? PriceSubsidyId = null);
    public sealed record Figures(int Count, decimal Total);
    public sealed record DownloadView(DateTime At, string By, string Format, string Encoding, string Sha256);
    public sealed record ReturnView(DateTime At, string By, string Sha256, int Rows, int Paid, int Failed, int Unmatched, int Mismatched);
    public sealed record RunView(Guid Id, string RegionCode, string Period, bool Supplementary, string Status, int Count, decimal Total,
        string CreatedBy, DateTime CreatedAt, string? ApprovedBy, DateTime? ApprovedAt, DateTime? SentAt, DateTime? ReconciledAt,
        Figures Paid, Figures Failed, ProcedureTotal[] ByProcedure, int? WithoutBankAccount = null,
        DownloadView[]? Downloads = null, ReturnView[]? Returns = null, Guid? PriceSubsidyId = null);
    public sealed record RunPaymentView(Guid Id, Guid CaseId, string? Period, decimal Amount, string Status, string PayeeName,
        string PayeeIdNumber, string BankAccount, DateTime? SentAt, DateTime? ResultAt, string? FailureReason);
    public sealed record ReturnResultView(int Rows, int Paid, int Failed, int Unmatched, int Mismatched, string RunStatus);

    private static readonly string[] Readers =
        [Roles.FinanceOfficer, Roles.CountyOfficer, Roles.CountyApprover, Roles.ProvinceAdmin, Roles.SystemAdmin];

    public static void MapPayroll(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/payroll-runs").WithTags("Payroll runs").RequireAuthorization();
        group.MapPost("", Create);
        group.MapGet("", List);
        group.MapGet("/{id:guid}", Get);
        group.MapGet("/{id:guid}/payments", Payments);
        group.MapPost("/{id:guid}/approve", Approve);
        group.MapGet("/{id:guid}/bank-file", BankFileOf);
        // A county's return file: a row per payment of the month, up to a few hundred thousand.
        group.MapPost("/{id:guid}/bank-return", BankReturnOf).Accepts<string>("text/csv")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(RequestSizes.BankReturnBytes));
    }

    /// <summary>202 when no payment of the month could go to the bank: each waits for its account, asked of its caseworker,
    /// and the next regular run takes it once corrected.</summary>
    public sealed record WaitingView(string RegionCode, string Period, int Count, decimal Total, int WithoutBankAccount, string Detail);

    private static async Task<Results<Created<RunView>, Accepted<WaitingView>>> Create(RunBody body, HttpContext http, WorkflowDb db,
        TimeProvider clock, Func<WorkflowDb, CaseEngine> engineFor, CancellationToken ct)
    {
        var drawn = await new PayrollRuns(db, clock).CreateAsync(body.RegionCode, body.Period, body.Supplementary ?? false,
            http.User.Actor(), engineFor(db), ct, body.PriceSubsidyId);
        if (drawn.Run is not { } run)
            return TypedResults.Accepted((string?)null, new WaitingView(body.RegionCode!, body.Period ?? "", 0, 0, drawn.WithoutBankAccount,
                $"没有可送银行的付款：{drawn.WithoutBankAccount} 笔缺少银行账户，已交村级经办人补录，补录后由下一次常规批次发放 " +
                $"({drawn.WithoutBankAccount} payments wait for a bank account; correction tasks opened)"));
        return TypedResults.Created($"/api/payroll-runs/{run.Id}", View(run) with { WithoutBankAccount = drawn.WithoutBankAccount });
    }

    private static async Task<Ok<CaseEndpoints.Page<RunView>>> List(string? regionCode, string? period, int? page, int? pageSize,
        HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var scope = regionCode is { Length: > 0 } ? regionCode : actor.RegionCode;
        Authorise.Covers(actor, scope, "regionCode");
        var query = db.PayrollRuns.AsNoTracking().Where(r => r.RegionCode.StartsWith(scope));
        if (period is { Length: > 0 }) query = query.Where(r => r.Period == period);
        var total = await query.CountAsync(ct);
        var runs = await query.OrderByDescending(r => r.Period).ThenByDescending(r => r.CreatedAt)
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new CaseEndpoints.Page<RunView>([.. runs.Select(View)], total, p, size));
    }

    private static async Task<Ok<RunView>> Get(Guid id, HttpContext http, WorkflowDb db, TimeProvider clock, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        var run = await new PayrollRuns(db, clock).VisibleAsync(id, actor, ct);
        var downloads = await db.BankFileDownloads.AsNoTracking().Where(d => d.RunId == id).OrderBy(d => d.Id)
            .Select(d => new DownloadView(d.At, d.By, d.Format, d.Encoding, d.Sha256)).ToArrayAsync(ct);
        var returns = await db.BankReturns.AsNoTracking().Where(r => r.RunId == id).OrderBy(r => r.Id)
            .Select(r => new ReturnView(r.At, r.By, r.Sha256, r.Rows, r.Paid, r.Failed, r.Unmatched, r.Mismatched)).ToArrayAsync(ct);
        return TypedResults.Ok(View(run) with { Downloads = downloads, Returns = returns });
    }

    /// <summary>The run's payments, ID numbers and accounts masked: the full ones leave only in the bank file.</summary>
    private static async Task<Ok<CaseEndpoints.Page<RunPaymentView>>> Payments(Guid id, string? status, int? page, int? pageSize,
        HttpContext http, WorkflowDb db, TimeProvider clock, CancellationToken ct)
    {
        var actor = http.User.Actor();
        Authorise.Role(actor, Readers);
        await new PayrollRuns(db, clock).VisibleAsync(id, actor, ct);
        var (p, size) = CaseEndpoints.Paging(page, pageSize);
        var query = db.Payments.AsNoTracking().Where(x => x.RunId == id);
        if (status is { Length: > 0 }) query = query.Where(x => x.Status == status);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(x => x.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new CaseEndpoints.Page<RunPaymentView>([.. items.Select(x => new RunPaymentView(
            x.Id, x.CaseId, x.Period, Money.ToYuan(x.AmountFen), x.Status, x.PayeeName, IdNumber.Mask(x.PayeeIdNumber),
            BankAccountCorrection.Mask(x.BankAccount), x.SentAt, x.ResultAt, x.FailureReason))], total, p, size));
    }

    private static async Task<Ok<RunView>> Approve(Guid id, HttpContext http, WorkflowDb db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(View(await new PayrollRuns(db, clock).ApproveAsync(id, http.User.Actor(), ct)));

    private static async Task<IResult> BankFileOf(Guid id, string? format, string? encoding, HttpContext http, WorkflowDb db,
        TimeProvider clock, CancellationToken ct)
    {
        var export = await new BankFile(db, clock).ExportAsync(id, format, encoding, http.User.Actor(), ct);
        http.Response.Headers["X-Batch-Count"] = export.Count.ToString();
        http.Response.Headers["X-Batch-Total"] = BankFile.Yuan(export.TotalFen);
        http.Response.Headers["X-Content-SHA256"] = export.Sha256;
        http.Response.RegisterForDispose(export);
        return TypedResults.PhysicalFile(export.Path, export.ContentType, export.FileName);
    }

    private static async Task<Ok<ReturnResultView>> BankReturnOf(Guid id, string? encoding, HttpContext http, WorkflowDb db,
        TimeProvider clock, Func<WorkflowDb, CaseEngine> engineFor, CancellationToken ct)
    {
        var result = await new BankReturn(db, clock, engineFor(db)).ImportAsync(id, http.Request.Body, encoding, http.User.Actor(), ct);
        return TypedResults.Ok(new ReturnResultView(result.Rows, result.Paid, result.Failed, result.Unmatched, result.Mismatched, result.RunStatus));
    }

    private static RunView View(PayrollRunRecord r) => new(
        r.Id, r.RegionCode, r.Period, r.Supplementary, r.Status, r.Count, Money.ToYuan(r.TotalFen), r.CreatedBy, r.CreatedAt,
        r.ApprovedBy, r.ApprovedAt, r.SentAt, r.ReconciledAt, new Figures(r.PaidCount, Money.ToYuan(r.PaidFen)),
        new Figures(r.FailedCount, Money.ToYuan(r.FailedFen)),
        JsonSerializer.Deserialize<ProcedureTotal[]>(r.ByProcedureJson, JsonSerializerOptions.Web) ?? [],
        PriceSubsidyId: r.PriceSubsidyId);
}
