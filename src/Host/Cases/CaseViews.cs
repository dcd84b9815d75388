using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Applicants;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Runtime;
using Workflows.Tasks;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Host.Cases;

public sealed record DefinitionRef(string Key, int Version, string RegionCode);
public sealed record ApplicantView(string Name, string IdNumber);
public sealed record HistoryView(DateTime At, string Actor, string Step, string Action, string? Outcome, string? Comment, JsonNode? Details);
public sealed record DecisionView(bool Approved, decimal? Amount, decimal? MonthlyAmount, string? Reason);
public sealed record PaymentView(Guid Id, Guid CaseId, string? Period, int Instalment, decimal Amount, string Status, DateTime CreatedAt, JsonNode? Basis,
    Guid? RunId = null, string? FailureReason = null, string? Procedure = null);
public sealed record CaseView(
    Guid Id, string Procedure, string RegionCode, string Status, string Step, DefinitionRef Definition,
    ApplicantView Applicant, JsonNode? Data, TaskView[] OpenTasks, HistoryView[] History, DecisionView? Decision,
    PaymentView[] Payments, DateTime CreatedAt, DateTime UpdatedAt, BenefitView? Benefit = null)
{
    /// <summary>信访 about the case, on its page (GET /api/cases/{id}) when there are any.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ComplaintSummary[]? Complaints { get; init; }
}
public sealed record ComplaintSummary(Guid Id, string Subject, string Status, string Owner, DateTime DueAt, bool Escalated);
/// <summary>待遇 (API.md, Benefits): what the case is paid every month, from when, until when.</summary>
public sealed record BenefitView(decimal MonthlyAmount, string From, string? Until, string Status, string? Reason);
public sealed record CaseSummary(
    Guid Id, string Procedure, string RegionCode, string Status, string Step, ApplicantView Applicant, DateTime CreatedAt, decimal? Amount);

public static class CaseViews
{
    /// <summary>The case as API.md shows it, as a command just left it.</summary>
    public static Task<CaseView> LoadAsync(WorkflowDb db, DefinitionCatalog catalog, WorkingDayCalendar calendar,
        CommandResult result, DateTime now, CancellationToken ct) =>
        LoadAsync(db, catalog, calendar, result.Case, result.OpenTasks, result.History, result.Payments, now, ct);

    /// <summary>The case as API.md shows it, as a query just read it.</summary>
    public static async Task<CaseView> LoadAsync(WorkflowDb db, DefinitionCatalog catalog, WorkingDayCalendar calendar,
        CaseRecord c, DateTime now, CancellationToken ct)
    {
        var openTasks = await db.Tasks.AsNoTracking().Where(t => t.CaseId == c.Id && t.Status == TaskStatus.Open).ToListAsync(ct);
        var history = await HistoryOf.For(db)(db, c.Id).ToListAsync(ct);
        return await LoadAsync(db, catalog, calendar, c, openTasks, history, payments: null, now, ct);
    }

    private static async Task<CaseView> LoadAsync(WorkflowDb db, DefinitionCatalog catalog, WorkingDayCalendar calendar,
        CaseRecord c, IReadOnlyList<TaskRecord> openTasks, IReadOnlyList<HistoryRecord> history, IReadOnlyList<PaymentRecord>? payments,
        DateTime now, CancellationToken ct)
    {
        var id = c.Id;
        var version = (await catalog.GetAsync(db, c.DefinitionVersionId, ct)).Version;
        // A case's own steps count their payments; a benefit's come from payroll runs.
        var benefit = c.MonthlyAmountFen is null ? null
            : await db.Benefits.AsNoTracking().FirstOrDefaultAsync(b => b.CaseId == id, ct);
        payments ??= c.PaymentCount == 0 && benefit is null ? []
            : await PaymentsOf.For(db)(db, id).ToListAsync(ct);
        var data = JsonNode.Parse(c.DataJson);
        return new CaseView(
            c.Id, c.Procedure, c.RegionCode, c.Status, c.Step,
            new DefinitionRef(version.Key, version.Version, version.RegionCode),
            // Full ID for the officials who hold the case; lists and notices mask it.
            new ApplicantView(c.ApplicantName, c.ApplicantIdNumber),
            data?["data"],
            openTasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => TaskView.Of(t, now, calendar)).ToArray(),
            history.SelectMany(h => h.Entries().Select(e => new HistoryView(h.At, h.Actor, e.Step, e.Action, e.Outcome, e.Comment, e.Details)))
                .ToArray(),
            c.Approved is { } approved
                ? new DecisionView(approved, c.AmountFen is { } a ? Money.ToYuan(a) : null,
                    c.MonthlyAmountFen is { } m ? Money.ToYuan(m) : null, c.Reason)
                : null,
            payments.Select(Payment).ToArray(),
            c.CreatedAt, c.UpdatedAt,
            benefit is null ? null : Benefit(benefit));
    }

    public static BenefitView Benefit(Workflows.Benefits.BenefitRecord b) =>
        new(Money.ToYuan(b.MonthlyAmountFen), b.FromPeriod, b.UntilPeriod, b.Status, b.Reason);

    private static readonly PerModel<Func<WorkflowDb, Guid, IAsyncEnumerable<HistoryRecord>>> HistoryOf = new(() =>
        EF.CompileAsyncQuery<WorkflowDb, Guid, HistoryRecord>((db, caseId) => db.History.AsNoTracking().Where(h => h.CaseId == caseId).OrderBy(h => h.Id)));

    private static readonly PerModel<Func<WorkflowDb, Guid, IAsyncEnumerable<PaymentRecord>>> PaymentsOf = new(() =>
        EF.CompileAsyncQuery<WorkflowDb, Guid, PaymentRecord>((db, caseId) => db.Payments.AsNoTracking().Where(p => p.CaseId == caseId).OrderBy(p => p.Instalment)));

    public static PaymentView Payment(PaymentRecord p) =>
        new(p.Id, p.CaseId, p.Period, p.Instalment, Money.ToYuan(p.AmountFen), p.Status, p.CreatedAt, JsonNode.Parse(p.BasisJson),
            p.RunId, p.FailureReason, p.Procedure);

    public static CaseSummary Summary(CaseRecord c) => new(
        c.Id, c.Procedure, c.RegionCode, c.Status, c.Step,
        new ApplicantView(c.ApplicantName, IdNumber.Mask(c.ApplicantIdNumber)), c.CreatedAt,
        c.AmountFen is { } a ? Money.ToYuan(a) : null);
}
