using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Payroll;
using Workflows.PersonalData;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Tasks;
using Workflows.Timers;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>
/// The command path. Every command (start a case, claim/release/complete a task, fire a timer) loads the
/// case, binds its procedure's state machine to the stored step, fires, and saves everything it produced —
/// case, tasks, timers, payments, history, outbox — in one SaveChanges, i.e. one transaction, guarded by
/// the case's version: each command moves it (<see cref="MoveVersion"/>) and writes one history row with the
/// new version, which the database accepts once per version. A concurrent command on the same case gets 409 and
/// changes nothing.
/// </summary>
public sealed partial class CaseEngine(WorkflowDb db, DefinitionCatalog catalog, WorkingDayCalendar calendar, TimeProvider clock,
    OutboxSignal outbox)
{
    internal WorkflowDb Db => db;
    private PersonalDataCipher Cipher => db.Cipher ?? throw new InvalidOperationException("The command path needs a context that seals personal data.");
    internal DefinitionCatalog Catalog => catalog;
    internal WorkingDayCalendar Calendar => calendar;
    internal DateTime Now { get; private set; } = clock.GetUtcNow().UtcDateTime;
    private readonly List<OutboxEvent> _events = [];
    private readonly List<(Guid CaseId, HistoryEntry Entry)> _actions = [];
    private readonly List<(CaseRecord Case, string Actor)> _moved = [];
    private readonly List<HistoryRecord> _recorded = [];
    private readonly List<PaymentRecord> _payments = [];

    /// <summary>Queues a notification; <see cref="SaveAsync"/> writes the command's notifications as one outbox
    /// row per case, in the command's transaction.</summary>
    internal void Notify(OutboxEvent notification) => _events.Add(notification);

    /// <summary>Adds an action to a case's history; <see cref="SaveAsync"/> writes the command's actions on a case as
    /// the row of the case's new version, in the name of the actor who moved it, in the command's transaction.</summary>
    internal void Record(Guid caseId, HistoryEntry entry) => _actions.Add((caseId, entry));

    /// <summary>Every command on a case moves its version once, on behalf of one actor; the save is checked against
    /// the version read and writes the history row of the new one.</summary>
    internal void MoveVersion(CaseRecord record, string actor)
    {
        // Twice would leave the version read unguarded: a second command that read it writes the row between.
        if (_moved.Any(m => m.Case.Id == record.Id))
            throw new InvalidOperationException($"One command moved the version of case {record.Id} twice.");
        record.Version++;
        _moved.Add((record, actor));
    }

    /// <summary>This command also changes a row that no case's version guards (a township's reserve fund, shared by its
    /// cases): its save takes EF Core's own transaction, so that the row's version check rolls everything back.</summary>
    internal void RequireTransaction() => _needsTransaction = true;

    private bool _needsTransaction;
    private Guid? _lastStarted;

    /// <summary>The case started last, the one a new case's chain links to.</summary>
    private Task<Guid?> LastStartedCaseAsync(CancellationToken ct) =>
        db.Cases.AsNoTracking().OrderByDescending(c => c.Id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);

    /// <summary>A stopped benefit's payments of later months not yet sent are cancelled in this command's transaction (one
    /// UPDATE before the save; the save's version check rolls it back with the rest). One a run had taken leaves it, and
    /// the run, not yet sent either, is counted anew.</summary>
    internal void CancelPaymentsAfter(Guid caseId, string lastPeriod, bool includePriceSubsidies = true) => BeforeSave(async ct =>
    {
        var later = db.Payments.Where(p => p.CaseId == caseId && p.Status == PaymentStatus.Pending
                                           && p.Period != null && p.Period.CompareTo(lastPeriod) > 0
                                           && (includePriceSubsidies || p.PriceSubsidyId == null));
        var runs = await later.Where(p => p.RunId != null).Select(p => p.RunId!.Value).Distinct().ToListAsync(ct);
        var cancelled = await later.ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PaymentStatus.Cancelled).SetProperty(p => p.RunId, (Guid?)null), ct);
        foreach (var run in runs) await PayrollRuns.RecountAsync(db, run, ct);
        return cancelled;
    });

    private readonly List<Func<CancellationToken, Task<int>>> _beforeSave = [];

    /// <summary>Work the command does inside its transaction just before it saves: set-based writes, and reads that must
    /// be taken under a lock the transaction holds. What it adds to the unit of work and the history is saved with it.</summary>
    internal void BeforeSave(Func<CancellationToken, Task<int>> work) => _beforeSave.Add(work);

    /// <summary>The case's running notices end now, in the command's transaction: there is nothing left to object to.</summary>
    internal void TakeDownNotices(Guid caseId)
    {
        var now = Now;
        BeforeSave(ct => db.Notices.Where(n => n.CaseId == caseId && n.Until > now)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Until, now), ct));
    }

    /// <summary>Adds a payment to the unit of work.</summary>
    internal void Pay(PaymentRecord payment) => _payments.Add(db.Payments.Add(payment).Entity);

    /// <summary>Queues a task event, the task as the inbox shows it now.</summary>
    internal void Notify(string type, TaskRecord task) => Notify(type == "taskRemoved"
        ? new OutboxEvent(type, task.CaseId, Removed: new RemovedTask(task.Id, task.RegionCode, task.Level, task.Role))
        : new OutboxEvent(type, task.CaseId, TaskView.Of(task, Now, calendar, db.Cases.Local.FindEntry(task.CaseId)?.Entity)));

    public async Task<CommandResult> StartAsync(StartCaseCommand command, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(command.Procedure)) errors.Add("procedure", "必填 (required)");
        var region = command.RegionCode ?? "";
        if (!RegionCode.IsWellFormed(region) || region.Length < (int)RegionLevel.Township)
            errors.Add("regionCode", "应为申请人所在乡镇（9 位）或村（12 位）的区划代码 (a 9-digit township or 12-digit village code)");
        var applicant = command.Applicant;
        if (string.IsNullOrWhiteSpace(applicant?.Name)) errors.Add("applicant.name", "必填 (required)");
        if (IdNumber.Problem(applicant?.IdNumber, WorkingDayCalendar.ChinaDate(Now)) is { } idProblem) errors.Add("applicant.idNumber", idProblem);
        if (applicant?.Name is { Length: > MaxTextLength }) errors.Add("applicant.name", $"最多 {MaxTextLength} 个字符 (at most {MaxTextLength} characters)");
        if (applicant?.Phone is { } phone && (phone.Length > 20 || !phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ')))
            errors.Add("applicant.phone", "应为电话号码（数字，最多 20 位）(a phone number of at most 20 digits)");
        // The account is what the bank's return is matched against: kept as digits only, checked as the correction is.
        var bankAccount = BankAccountCorrection.Normalise(applicant?.BankAccount);
        if (applicant?.BankAccount is { Length: > 0 } && bankAccount is null)
            errors.Add("applicant.bankAccount", "应为 10–30 位数字的银行账号 (a bank account of 10–30 digits)");
        CheckHousehold(command.Household, errors);
        // The amounts every client may send (API.md, Procedure inputs): yuan with at most 2 decimals, as all money is.
        foreach (var name in new[] { "amount", "requestedAmount" }) CheckAmount(command.Data?[name], $"data.{name}", errors);
        if ((command.Data?.ToJsonString().Length ?? 0) > MaxDataLength)
            errors.Add("data", $"申请数据最多 {MaxDataLength / 1024} KB (the procedure's data is at most {MaxDataLength / 1024} KB)");
        errors.ThrowIfAny();

        if (!actor.Roles.Any(Roles.CaseIntake.Contains))
            throw new ForbiddenProblem("Only officials who accept applications may start cases.");
        if (!actor.Covers(region))
            throw new ForbiddenProblem($"Region {region} (regionCode) is outside your jurisdiction {actor.RegionCode}.");
        if (!await db.Regions.AnyAsync(r => r.Code == region, ct))
            throw new InvalidInput("regionCode", $"未知的区划代码 {region} (unknown region)");
        var procedure = await catalog.ResolveAsync(db, command.Procedure!, region, ct)
            ?? throw new InvalidInput("procedure", $"区划 {region} 没有已发布的流程 '{command.Procedure}' (no such procedure published for this region)");
        MayStart(procedure.Definition, command.Route, actor);

        var idNumber = IdNumber.Normalise(applicant!.IdNumber!);
        var record = new CaseRecord
        {
            Id = Guid.CreateVersion7(),
            Procedure = procedure.Definition.Key,
            RegionCode = region,
            ProvinceCode = RegionCode.ProvinceOf(region),
            DefinitionVersionId = procedure.Version.Id,
            Step = procedure.Definition.Start,
            ApplicantName = applicant.Name!.Trim(),
            ApplicantIdNumber = idNumber,
            ApplicantBankAccount = bankAccount,
            CreatedAt = Now,
            UpdatedAt = Now,
            CreatedBy = actor.Username,
        };
        var application = new JsonObject
        {
            ["applicant"] = new JsonObject
            {
                ["name"] = applicant.Name.Trim(), ["idNumber"] = idNumber,
                ["phone"] = applicant.Phone, ["bankAccount"] = bankAccount,
            },
            ["household"] = command.Household?.DeepClone() ?? new JsonObject(),
            ["data"] = command.Data?.DeepClone() ?? new JsonObject(),
        };
        var formErrors = new FieldErrors();
        IntakeChecks.Collect(procedure.Definition.Intake, application, WorkingDayCalendar.ChinaDate(Now), formErrors);
        record.DataJson = application.ToJsonString();
        var openTasks = new List<TaskRecord>();
        var run = await CaseRun.BeginAsync(this, record, procedure, actor, procedure.ReachOf(record.Step, null), ct, openTasks);
        run.CheckRules(procedure.Definition.Rules, input: null, outcome: null, fieldPrefix: "", formErrors);
        await ClaimOncePerAsync(record, procedure.Definition.OncePer, ct);
        await RefuseListedAsync(record, procedure.Definition.RefusedIfListed, ct);
        db.Cases.Add(record);
        run.Record(record.Step, "started", details: new JsonObject { ["version"] = procedure.Version.Version });
        run.EnterStart();
        run.Finish();
        await SaveAsync(ct);
        return new CommandResult(record, openTasks, [.. RecordedFor(record.Id)], PaymentsIfAllMade(record));
    }

    public async Task<CommandResult> CompleteAsync(Guid taskId, CompleteTaskCommand command, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (command.Comment is { Length: > MaxCommentLength })
            errors.Add("comment", $"最多 {MaxCommentLength} 个字符 (at most {MaxCommentLength} characters)");
        if ((command.Data?.ToJsonString().Length ?? 0) > MaxDataLength)
            errors.Add("data", $"表单数据最多 {MaxDataLength / 1024} KB (a form's data is at most {MaxDataLength / 1024} KB)");
        if (command.Outcome is { Length: > MaxTextLength }) errors.Add("outcome", "不是本任务的办理结果 (not an outcome of this task)");
        errors.ThrowIfAny();
        // The task, its case, the case's other open tasks, its history and its once-per claim in one round trip: this is
        // the officials' hottest path, and with all of them in hand neither the steps nor the reply read them again.
        var rows = await TaskWithOpenTasksOfItsCase.For(db)(db, taskId).ToListAsync(ct);
        var loaded = rows.FirstOrDefault(r => r.Task.Id == taskId);
        if (loaded is null || !TaskAccess.CanSee(actor, loaded.Task)) throw new NotFoundProblem($"No task {taskId} in your inbox.");
        var (task, record) = (loaded.Task, loaded.Case);
        if (task.Status != TaskStatus.Open)
            throw new ConflictProblem($"任务已{(task.Status == TaskStatus.Completed ? $"由 {task.CompletedBy} 办结" : "取消")} (task already {task.Status}).");
        if (task.ClaimedBy is { } holder && holder != actor.Username)
            throw new ConflictProblem($"任务已由 {holder} 认领 (task is claimed by {holder}).");
        var openTasks = rows.Select(r => r.Task).Where(t => t.Status == TaskStatus.Open).ToList();
        if (task.Step == BankAccountCorrection.Step)
            return await CorrectBankAccountAsync(task, record, openTasks, loaded.History, command, actor, ct);
        if (task.Step == DeathConfirmation.Step)
            return await DecideDeathMatchAsync(task, record, openTasks, loaded.History, command, actor, ct);
        if (task.Step == InsuranceRecheck.Step)
            return await DecideInsuranceRecheckAsync(task, record, openTasks, loaded.History, command, actor, ct);
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        var run = await CaseRun.BeginAsync(this, record, procedure, actor, procedure.ReachOf(task.Step, command.Outcome), ct,
            openTasks, loaded.Claims);
        run.CompleteTask(task, command.Outcome, command.Data, command.Comment);
        run.Finish();
        await SaveAsync(ct);
        // Every command that writes a case's history moves its version, so no row can have come in between.
        return new CommandResult(record, openTasks, [.. loaded.History, .. RecordedFor(record.Id)], PaymentsIfAllMade(record));
    }

    /// <summary>A failed bank payment, or one that could not go to the bank for want of an account, opens the case's
    /// correction task, unless one is open already; the payment and the reason go into the history.</summary>
    public async Task OpenBankAccountCorrectionAsync(Guid caseId, IReadOnlyList<PaymentRecord> payments, string why,
        CancellationToken ct = default)
    {
        var record = await db.Cases.SingleAsync(c => c.Id == caseId, ct);
        MoveVersion(record, Actor.System.Username);
        foreach (var payment in payments)
            Record(caseId, new HistoryEntry(BankAccountCorrection.Step, why, Details: new JsonObject
            {
                ["paymentId"] = payment.Id, ["amount"] = Money.ToYuan(payment.AmountFen), ["reason"] = payment.FailureReason,
                ["bankAccount"] = BankAccountCorrection.Mask(payment.BankAccount),
            }));
        var open = await db.Tasks.AnyAsync(t => t.CaseId == caseId && t.Step == BankAccountCorrection.Step && t.Status == TaskStatus.Open, ct);
        if (!open)
        {
            var task = BankAccountCorrection.TaskFor(record, Now, why);
            db.Tasks.Add(task);
            Record(caseId, new HistoryEntry(task.Step, "task-created", Details: new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode }));
            Notify("taskAssigned", task);
        }
        await SaveAsync(ct);
    }

    /// <summary>The correction task done: the case's failed payments carry the new account, which a supplementary run then
    /// sends; the case keeps it for every later payment.</summary>
    private async Task<CommandResult> CorrectBankAccountAsync(TaskRecord task, CaseRecord record, List<TaskRecord> openTasks,
        List<HistoryRecord> history, CompleteTaskCommand command, Actor actor, CancellationToken ct)
    {
        var account = BankAccountCorrection.AccountFrom(command.Outcome, command.Data);
        var failed = await db.Payments.Where(p => p.CaseId == record.Id && p.Status == PaymentStatus.Failed).ToListAsync(ct);
        foreach (var payment in failed) (payment.BankAccount, payment.BankAccountCorrectedAt) = (account, Now);
        // Payments not yet taken by a run go out to the corrected account too, not to the one that failed.
        foreach (var waiting in await db.Payments.Where(p => p.CaseId == record.Id && p.Status == PaymentStatus.Pending && p.RunId == null)
                     .ToListAsync(ct))
            waiting.BankAccount = account;
        var data = JsonNode.Parse(record.DataJson)!.AsObject();
        data["applicant"]!["bankAccount"] = account;
        record.DataJson = data.ToJsonString();
        record.ApplicantBankAccount = account;
        record.UpdatedAt = Now;
        (task.Status, task.Outcome, task.CompletedBy, task.CompletedAt) = (TaskStatus.Completed, command.Outcome, actor.Username, Now);
        task.Version++;
        openTasks.Remove(task);
        MoveVersion(record, actor.Username);
        Record(record.Id, new HistoryEntry(task.Step, "completed", command.Outcome, command.Comment, new JsonObject
        {
            ["bankAccount"] = BankAccountCorrection.Mask(account), ["payments"] = failed.Count,
        }));
        Notify("taskRemoved", task);
        await SaveAsync(ct);
        return new CommandResult(record, openTasks, [.. history, .. RecordedFor(record.Id)], null);
    }

    private sealed record TaskOfCase(TaskRecord Task, CaseRecord Case, List<HistoryRecord> History, List<OncePerClaimRecord> Claims);

    // The task asked for finds its case's tasks by a join, not by a subquery. PostgreSQL keeps one plan for a prepared
    // statement only while that plan's estimate is no dearer than the average of the plans it made for the statement's
    // first calls (plus their planning). The subquery made the estimate twice as dear (36 against 19), and in some runs
    // PostgreSQL then planned this read on every call, at 0.17 ms of its CPU each time, more than running it.
    private static readonly PerModel<Func<WorkflowDb, Guid, IAsyncEnumerable<TaskOfCase>>> TaskWithOpenTasksOfItsCase = new(() =>
        EF.CompileAsyncQuery((WorkflowDb db, Guid taskId) =>
            from asked in db.Tasks
            where asked.Id == taskId
            join t in db.Tasks on asked.CaseId equals t.CaseId
            where t.Id == taskId || t.Status == TaskStatus.Open
            join c in db.Cases on t.CaseId equals c.Id
            select new TaskOfCase(t, c, db.History.Where(h => h.CaseId == c.Id).OrderBy(h => h.Id).ToList(),
                db.OncePerClaims.Where(o => o.CaseId == c.Id).ToList())));

    public async Task<TaskRecord> ClaimAsync(Guid taskId, Actor actor, CancellationToken ct = default)
    {
        var task = await OpenTaskAsync(taskId, actor, ct);
        if (task.ClaimedBy == actor.Username) return task;
        if (task.ClaimedBy is { } holder) throw new ConflictProblem($"任务已由 {holder} 认领 (task is claimed by {holder}).");
        task.ClaimedBy = actor.Username;
        task.ClaimedAt = Now;
        await ChangeTaskAsync(task, actor, "claimed", ct);
        return task;
    }

    public async Task<TaskRecord> ReleaseAsync(Guid taskId, Actor actor, CancellationToken ct = default)
    {
        var task = await OpenTaskAsync(taskId, actor, ct);
        if (task.ClaimedBy is null) return task;
        if (task.ClaimedBy != actor.Username)
            throw new ConflictProblem($"任务由 {task.ClaimedBy} 认领，只有认领人可以释放 (only {task.ClaimedBy} can release it).");
        task.ClaimedBy = null;
        task.ClaimedAt = null;
        await ChangeTaskAsync(task, actor, "released", ct);
        return task;
    }

    /// <summary>撤回 (API.md, Other case actions): the applicant withdraws before a final decision. Its open tasks and
    /// timers are cancelled, payments not yet in a payroll run are cancelled, a benefit ends; the reason is recorded.
    /// Only an intake official (a role that may start the procedure) covering the case's region may do it.</summary>
    public async Task<CommandResult> WithdrawAsync(Guid caseId, string? reason, Actor actor, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(reason)) errors.Add("reason", "撤回须写明理由 (a withdrawal needs the applicant's reason)");
        else if (reason.Length > MaxCommentLength) errors.Add("reason", $"最多 {MaxCommentLength} 个字符 (at most {MaxCommentLength} characters)");
        errors.ThrowIfAny();
        var record = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct);
        // Withdrawing is a write: only officials whose region contains the case's, not those below it who may read it.
        if (record is null || !actor.Covers(record.RegionCode)) throw new NotFoundProblem($"No case {caseId} in your jurisdiction.");
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        var intake = IntakeRoles(procedure.Definition);
        if (!intake.Any(actor.Has))
            throw new ForbiddenProblem($"只有受理人员可以撤回申请：{string.Join(", ", intake)} (only intake officials may withdraw it).");
        if (record.Status != CaseStatus.Open)
            throw new ConflictProblem($"案件已{record.Status}，不能撤回 (the case is {record.Status}: only an open case can be withdrawn).");
        if (record.ParentCaseId is not null)
            throw new ConflictProblem("子流程案件随其上级案件撤回 (a sub-procedure's case is withdrawn with the case it serves).");
        if (await db.Cases.AnyAsync(c => c.ParentCaseId == caseId && c.Status == CaseStatus.Open, ct))
            throw new ConflictProblem("案件有未办结的子流程，请先办结 (the case waits on an open sub-procedure; finish that first).");
        // In the save's transaction, by a statement that skips any a payroll run took meanwhile: a run's payments stay its own.
        var unpaid = await db.Payments.CountAsync(p => p.CaseId == caseId && p.Status == PaymentStatus.Pending && p.RunId == null, ct);
        BeforeSave(ct => db.Payments.Where(p => p.CaseId == caseId && p.Status == PaymentStatus.Pending && p.RunId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PaymentStatus.Cancelled), ct));
        TakeDownNotices(caseId);
        var run = await CaseRun.BeginAsync(this, record, procedure, actor,
            new Reach(MayEnd: true, MayReleaseClaim: true, MayVerifyUnique: false, SubProcedures: [], MayPayAtOnce: false, MayTouchBenefit: true), ct);
        var openTasks = run.Withdraw(reason!.Trim(), unpaid);
        run.Finish();
        await SaveAsync(ct);
        var history = await db.History.AsNoTracking().Where(h => h.CaseId == caseId).OrderBy(h => h.Id).ToListAsync(ct);
        return new CommandResult(record, openTasks, history, null);
    }

    public const int MaxObjectionLength = 1000;

    /// <summary>An objection to a running notice (公示异议, API.md), from anyone, without an account: the case gets a task
    /// for the verifier the notice step names. Returns the objection's id (its task's).</summary>
    public async Task<Guid> ObjectAsync(Guid noticeId, string? reason, string? contact, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(reason)) errors.Add("reason", "请写明异议的事实和理由 (state what is wrong with the notice)");
        else if (reason.Length > MaxObjectionLength) errors.Add("reason", $"最多 {MaxObjectionLength} 个字符 (at most {MaxObjectionLength} characters)");
        if (contact is { Length: > MaxTextLength }) errors.Add("contact", $"最多 {MaxTextLength} 个字符 (at most {MaxTextLength} characters)");
        errors.ThrowIfAny();
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, ct)
            ?? throw new NotFoundProblem($"没有公示 {noticeId} (no such notice).");
        if (notice.From > Now || notice.Until <= Now)
            throw new ConflictProblem("公示期已过，不再受理异议 (the notice period is over: objections are no longer taken).");
        var record = await db.Cases.SingleAsync(c => c.Id == notice.CaseId, ct);
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        if (record.Status != CaseStatus.Open || record.Step != notice.Step)
            throw new ConflictProblem("该公示已结束 (the notice is over).");
        if (procedure.Step(notice.Step).Outcomes.Count == 0)
            throw new ConflictProblem("该流程未指定异议核实人，请向乡镇（街道）民政部门反映 (the procedure names no one to verify objections; contact the township).");
        var run = await CaseRun.BeginAsync(this, record, procedure, Actor.Public, procedure.ReachOf(notice.Step, null), ct);
        var task = run.ReceiveObjection(reason!.Trim(), string.IsNullOrWhiteSpace(contact) ? null : contact.Trim());
        run.Finish();
        await SaveAsync(ct);
        return task.Id;
    }

    /// <summary>A due timer with its case and its task, as one statement read them; tracked by no context yet.</summary>
    public sealed record DueTimer(TimerRecord Timer, CaseRecord Case, TaskRecord? Task);

    /// <summary>The timers of one claim that are still pending and due, each with its case and task, in one statement: a
    /// claim's timers cost one read, not one each. Each row is one snapshot, so a timer read as pending belongs to the
    /// case's version read with it; a command that moves that version before the timer fires makes the fire's save fail
    /// on the history row, and the timer is read again next round.</summary>
    public static Task<List<DueTimer>> ReadDueTimersAsync(WorkflowDb db, Guid[] timerIds, DateTime now, CancellationToken ct) =>
        (from timer in db.Timers.AsNoTracking()
         where timerIds.Contains(timer.Id) && timer.Status == TimerStatus.Pending && timer.DueAt <= now
               && (timer.RetryAt == null || timer.RetryAt <= now)
         join c in db.Cases on timer.CaseId equals c.Id
         from task in db.Tasks.Where(t => t.Id == timer.TaskId).DefaultIfEmpty()
         select new DueTimer(timer, c, task)).ToListAsync(ct);

    /// <summary>Fires a timer read by <see cref="ReadDueTimersAsync"/> as one command: its save moves the case's version
    /// read with it, so of two hosts firing the same timer (one whose claim ran out) only one save is kept, and a timer
    /// cancelled or moved meanwhile (by a command that moved the case) is refused as a concurrent change.</summary>
    public async Task<TimerRecord> FireTimerAsync(DueTimer due, CancellationToken ct = default)
    {
        var (timer, record, task) = due;
        db.Attach(record);
        db.Attach(timer);
        if (task is not null) db.Attach(task);
        timer.Status = TimerStatus.Fired;
        timer.FiredAt = Now;
        timer.ClaimedUntil = null;
        var procedure = await catalog.GetAsync(db, record.DefinitionVersionId, ct);
        if (timer.Kind == TimerKind.Deadline)
        {
            if (task is null) throw new InvalidOperationException($"Deadline timer {timer.Id} has no task {timer.TaskId}.");
            var step = procedure.Step(task.Step);
            var reach = step.Deadline is { OnTimeout: "auto" } d ? procedure.ReachOf(step.Id, d.Outcome) : procedure.ReachOf(step.Id, "");
            var run = await CaseRun.BeginAsync(this, record, procedure, Actor.System, reach, ct);
            if (task.Status == TaskStatus.Open && task.DeadlineTimerId == timer.Id) run.DeadlinePassed(task);
            run.Finish();
        }
        else
        {
            var run = await CaseRun.BeginAsync(this, record, procedure, Actor.System, procedure.ReachOf(timer.Step, CompiledProcedure.Next), ct);
            if (record.Step == timer.Step && record.WaitTimerId == timer.Id)
            {
                record.WaitTimerId = null;
                var step = procedure.Step(timer.Step);
                // A notice with an objection still being verified does not conclude; the verifier's dismissal concludes it.
                var objections = step.Kind == StepKinds.Notice && step.Outcomes.Count > 0
                    ? await db.Tasks.CountAsync(t => t.CaseId == record.Id && t.Step == step.Id && t.Status == TaskStatus.Open, ct) : 0;
                if (objections > 0) run.Record(step.Id, "notice-held", details: new JsonObject { ["openObjections"] = objections });
                else run.Fire(CompiledProcedure.Next);
            }
            run.Finish();
        }
        await SaveAsync(ct);
        return timer;
    }

    /// <summary>Computes again the provisional deadlines and waits of a case (set while a year had no holiday data), now
    /// that the calendar may hold that year; every one that moved is recorded and pushed. Returns how many changed: at
    /// 0 nothing is written.</summary>
    public async Task<int> RecomputeDeadlinesAsync(Guid caseId, CancellationToken ct = default)
    {
        var timers = await db.Timers
            .Where(t => t.CaseId == caseId && t.Status == TimerStatus.Pending && t.DueAtProvisional).ToListAsync(ct);
        if (timers.Count == 0) return 0;
        var (record, procedure) = await LoadCaseAsync(caseId, ct);
        var taskIds = timers.Where(t => t.TaskId is not null).Select(t => t.TaskId!.Value).ToList();
        var tasks = await db.Tasks.Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var changed = 0;
        foreach (var timer in timers)
        {
            var step = procedure.Step(timer.Step);
            var task = timer.TaskId is { } taskId ? tasks.GetValueOrDefault(taskId) : null;
            if (timer.Kind == TimerKind.Deadline && task is null) continue;
            var (due, provisional) = timer.Kind == TimerKind.Deadline
                ? DueDates.OfTask(calendar, step, task!.CreatedAt)
                : DueDates.OfWait(calendar, step, timer.SetAt);
            if (due == timer.DueAt && provisional) continue; // the same guess: nothing is known yet
            var was = timer.DueAt;
            (timer.DueAt, timer.DueAtProvisional) = (due, provisional);
            if (task is { Status: TaskStatus.Open } && task.DeadlineTimerId == timer.Id)
            {
                (task.DueAt, task.DueAtProvisional) = (due, provisional);
                task.Version++;
                Notify("taskUpdated", task);
            }
            else if (step.Kind == StepKinds.Notice)
                await db.Notices.Where(n => n.CaseId == caseId && n.Step == step.Id && n.Until == was)
                    .ForEachAsync(n => n.Until = due, ct);
            var details = new JsonObject { ["from"] = was, ["to"] = due };
            if (provisional) details["provisional"] = true;
            Record(caseId, new HistoryEntry(step.Id, "deadline-recomputed", Details: details));
            changed++;
        }
        if (changed == 0) return 0;
        MoveVersion(record, Actor.System.Username);
        await SaveAsync(ct);
        return changed;
    }

    private async Task ChangeTaskAsync(TaskRecord task, Actor actor, string action, CancellationToken ct)
    {
        task.Version++;
        var record = await db.Cases.SingleAsync(c => c.Id == task.CaseId, ct);
        MoveVersion(record, actor.Username);
        Record(task.CaseId, new HistoryEntry(task.Step, action));
        Notify("taskUpdated", task);
        await SaveAsync(ct);
    }

    private async Task<TaskRecord> VisibleTaskAsync(Guid taskId, Actor actor, CancellationToken ct)
    {
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null || !TaskAccess.CanSee(actor, task)) throw new NotFoundProblem($"No task {taskId} in your inbox.");
        return task;
    }

    private async Task<TaskRecord> OpenTaskAsync(Guid taskId, Actor actor, CancellationToken ct)
    {
        var task = await VisibleTaskAsync(taskId, actor, ct);
        if (task.Status != TaskStatus.Open) throw new ConflictProblem($"任务已{task.Status} (task already {task.Status}).");
        return task;
    }

    private async Task<(CaseRecord, CompiledProcedure)> LoadCaseAsync(Guid caseId, CancellationToken ct)
    {
        var record = await db.Cases.SingleAsync(c => c.Id == caseId, ct);
        return (record, await catalog.GetAsync(db, record.DefinitionVersionId, ct));
    }

    /// <summary>Who takes in applications for a procedure (一门受理): its <c>startedBy</c> roles, or every intake role.
    /// They start its cases and withdraw them.</summary>
    private static IReadOnlyList<string> IntakeRoles(ProcedureDefinition definition) =>
        definition.StartedBy?.Roles is { Count: > 0 } listed ? listed : Roles.CaseIntake;

    /// <summary>The definition's <c>startedBy</c>: a procedure of another route cannot be started through this one, and only
    /// its roles may start it.</summary>
    private static void MayStart(ProcedureDefinition definition, string route, Actor actor)
    {
        var startedBy = definition.StartedBy ?? new StartedBy();
        if (startedBy.Route != route)
            throw new InvalidInput("procedure", startedBy.Route switch
            {
                StartRoutes.EmergencyAid => $"流程 {definition.Key} 只能通过先行救助 POST /api/emergency-aid 发起 (started only through the emergency route)",
                StartRoutes.SubProcedure => $"流程 {definition.Key} 是子流程，只能由其他流程的步骤发起 (a sub-procedure, started only by another procedure's step)",
                _ => $"流程 {definition.Key} 应通过 POST /api/cases 发起 (started through POST /api/cases)",
            });
        var roles = IntakeRoles(definition);
        if (!roles.Any(actor.Has))
            throw new ForbiddenProblem($"流程 {definition.Key} 只能由以下角色发起：{string.Join(", ", roles)} (only these roles may start it).");
    }

    /// <summary>The household as API.md names it (Cases): each member's name, ID number and relation as text, incomes and
    /// assets as amounts in yuan with at most 2 decimals, grades and ages as whole numbers in range. What the policy rules
    /// read must be what they expect, or the application is refused naming the field.</summary>
    private void CheckHousehold(JsonObject? household, FieldErrors errors)
    {
        if (household is null) return;
        var today = WorkingDayCalendar.ChinaDate(Now);
        switch (household["members"])
        {
            case null: break;
            case JsonArray members:
                if (members.Count > MaxMembers) errors.Add("household.members", $"最多 {MaxMembers} 人 (at most {MaxMembers} members)");
                for (var i = 0; i < Math.Min(members.Count, MaxMembers); i++)
                    CheckMember(members[i], $"household.members[{i}]", today, errors);
                break;
            default:
                errors.Add("household.members", "应为家庭成员的列表 (a list of household members)");
                break;
        }
        switch (household["assets"])
        {
            case null: break;
            case JsonObject assets:
                foreach (var name in new[] { "cash", "deposits", "securities", "claims" })
                    CheckAmount(assets[name], $"household.assets.{name}", errors);
                break;
            default:
                errors.Add("household.assets", "应为家庭财产对象 (an object of the household's assets)");
                break;
        }
    }

    public const int MaxMembers = 30;
    public const int MaxDataLength = 64 * 1024;
    public const int MaxCommentLength = 2000;
    public const int MaxTextLength = 100;

    private static void CheckMember(JsonNode? member, string at, DateOnly today, FieldErrors errors)
    {
        if (member is not JsonObject m)
        {
            errors.Add(at, "应为家庭成员对象 (a household member object)");
            return;
        }
        foreach (var name in new[] { "name", "relation" })
            if (Text(m[name]) is not { Length: > 0 and <= MaxTextLength })
                errors.Add($"{at}.{name}", $"必填，最多 {MaxTextLength} 个字符 (required text of at most {MaxTextLength} characters)");
        if (IdNumber.Problem(Text(m["idNumber"]), today) is { } problem) errors.Add($"{at}.idNumber", problem);
        CheckAmount(m["monthlyIncome"], $"{at}.monthlyIncome", errors);
        CheckAmount(m["employmentCost"], $"{at}.employmentCost", errors);
        CheckWhole(m["disabilityGrade"], 1, 4, $"{at}.disabilityGrade", errors);
        CheckWhole(m["age"], 0, 150, $"{at}.age", errors);
        if (m["disabilityKind"] is { } kind && Text(kind) is not { Length: > 0 and <= MaxTextLength })
            errors.Add($"{at}.disabilityKind", "应为文字 (text)");
        if (m["seriousIllness"] is { } ill && ill.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            errors.Add($"{at}.seriousIllness", "应为 true 或 false (true or false)");
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    private static decimal? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue<decimal>(out var d) ? d : null;

    private static void CheckAmount(JsonNode? node, string at, FieldErrors errors)
    {
        if (node is null) return;
        if (Number(node) is not { } amount || !Money.IsAmount(amount, zeroAllowed: true))
            errors.Add(at, "应为不小于 0、最多两位小数的金额（元）(an amount in yuan, not negative, with at most 2 decimals)");
    }

    private static void CheckWhole(JsonNode? node, int min, int max, string at, FieldErrors errors)
    {
        if (node is null) return;
        if (Number(node) is not { } n || n != decimal.Truncate(n) || n < min || n > max)
            errors.Add(at, $"应为 {min} 到 {max} 的整数 (a whole number from {min} to {max})");
    }

    private async Task ClaimOncePerAsync(CaseRecord record, OncePer? oncePer, CancellationToken ct)
    {
        if (oncePer is null) return;
        var scope = oncePer.Scope == "country" ? ""
            : RegionCode.AtLevel(record.RegionCode, Enum.Parse<RegionLevel>(oncePer.Scope, ignoreCase: true));
        // The person by keyed hash, not ID number: the claim is a unique key the database compares, and must not be readable.
        var subject = Cipher.Lookup(record.ApplicantIdNumber);
        var taken = await db.OncePerClaims.AsNoTracking()
            .AnyAsync(c => c.Procedure == record.Procedure && c.ScopeRegion == scope && c.Subject == subject, ct);
        if (taken) throw new ConflictProblem(OncePerMessage(oncePer));
        // The unique index is what really guarantees it, when two applications arrive at the same instant.
        db.OncePerClaims.Add(new OncePerClaimRecord
        {
            Procedure = record.Procedure, ScopeRegion = scope, Subject = subject, CaseId = record.Id,
        });
    }

    internal static string OncePerMessage(OncePer oncePer) =>
        oncePer.Message ?? $"该申请人在本{oncePer.Scope}范围内已有同类申请 (one case per person per {oncePer.Scope}).";

    private IEnumerable<HistoryRecord> RecordedFor(Guid caseId) => _recorded.Where(h => h.CaseId == caseId);

    /// <summary>The case's payments when this command made all of them, else null (the reply reads them). A case holding
    /// a benefit never knows them all: the county's payroll runs add its months.</summary>
    private List<PaymentRecord>? PaymentsIfAllMade(CaseRecord record)
    {
        if (record.MonthlyAmountFen is not null) return null;
        var made = _payments.Where(p => p.CaseId == record.Id).ToList();
        return made.Count == record.PaymentCount ? made : null;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        using var activity = Telemetry.Tracing.Source.StartActivity("case command save");
        activity?.SetTag("workflows.cases", _moved.Count);
        activity?.SetTag("workflows.payments", _payments.Count);
        // Work before the save needs a transaction around it and the save, unless the caller holds one.
        await using var own = _beforeSave.Count > 0 && db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            foreach (var work in _beforeSave) await work(ct);
            _beforeSave.Clear();
            foreach (var ofCase in _events.GroupBy(e => e.CaseId)) db.Outbox.Add(OutboxRecord.Of(ofCase.Key, Now, ofCase));
            _events.Clear();
            await WriteHistoryAsync(ct);
            db.SavingGuardedCommand = !_needsTransaction;
            await db.SaveChangesAsync(ct);
            if (own is not null) await own.CommitAsync(ct);
            outbox.Notify();
        }
        catch (DbUpdateException e) when (IsVersionConflict(e))
        {
            throw new ConflictProblem("案件已被他人同时修改，请刷新后重试 (the case changed concurrently; reload and retry).", concurrent: true);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ConflictProblem("重复：数据库唯一性约束拒绝了此操作 (a duplicate was refused by the database: one per person, one payment per period).");
        }
        finally
        {
            db.SavingGuardedCommand = false;
        }
    }

    /// <summary>The version read was moved by another command: its UPDATE found no row, or the history row of the version
    /// it would write exists already (the unique index of WorkflowDb).</summary>
    private bool IsVersionConflict(DbUpdateException e) => e is DbUpdateConcurrencyException
        || DbErrors.IsUniqueViolation(e, db.Model.FindEntityType(typeof(HistoryRecord))!.GetIndexes().Single(i => i.IsUnique));

    /// <summary>One row per case whose version moved, with the actions on it, even none: the row is what makes the
    /// database refuse a second command that read the same version.</summary>
    private async Task WriteHistoryAsync(CancellationToken ct)
    {
        var unmoved = _actions.Select(a => a.CaseId).Except(_moved.Select(m => m.Case.Id)).FirstOrDefault();
        if (unmoved != Guid.Empty)
            throw new InvalidOperationException($"History recorded for case {unmoved} without moving its version.");
        var chain = new AuditChain(Cipher.Ring.ChainKey);
        foreach (var (record, actor) in _moved)
        {
            if (record.Version == 1) record.PreviousCaseId = _lastStarted ??= await LastStartedCaseAsync(ct);
            var row = HistoryRecord.Of(record, Now, actor, _actions.Where(a => a.CaseId == record.Id).Select(a => a.Entry));
            record.HistoryHash = row.Hash = chain.Next(record, row);
            if (record.Version == 1) _lastStarted = record.Id;
            _recorded.Add(db.History.Add(row).Entity);
        }
        _moved.Clear();
        _actions.Clear();
    }
}
