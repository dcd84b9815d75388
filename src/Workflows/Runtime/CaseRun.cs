using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Notices;
using Workflows.Persistence;
using Workflows.Policies;
using Workflows.Regions;
using Workflows.Tasks;
using Workflows.Timers;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>
/// One command on one case: the step effects Stateless calls on entry, and everything they add to the
/// unit of work. It never saves; <see cref="CaseEngine"/> does, once.
/// </summary>
internal sealed class CaseRun : IStepEffects
{
    private const int MaxAutomaticSteps = 100;

    private readonly CaseEngine _engine;
    private readonly CaseRecord _case;
    private readonly CompiledProcedure _procedure;
    private readonly Actor _actor;
    private readonly JsonObject _root;
    private readonly List<TaskRecord> _openTasks;
    private readonly OncePerClaimRecord? _claim;
    private JsonObject? _standard;
    private ExpressionScope? _scope;
    private JsonObject? _input;
    private string? _outcome;
    private string? _lastComment;
    private Dictionary<string, CompiledProcedure> _children = new();
    private CaseRun? _parent;
    private bool _finishParent;
    private bool _entering;
    private bool _childDone;

    private CaseRun(CaseEngine engine, CaseRecord record, CompiledProcedure procedure, Actor actor,
        List<TaskRecord> openTasks, OncePerClaimRecord? claim)
    {
        _engine = engine;
        _case = record;
        _procedure = procedure;
        _actor = actor;
        _root = JsonNode.Parse(record.DataJson)!.AsObject();
        _openTasks = openTasks;
        _claim = claim;
    }

    private WorkflowDb Db => _engine.Db;
    private DateTime Now => _engine.Now;
    public StepDefinition CurrentStep => _procedure.Step(_case.Step);

    /// <summary>Loads what the steps this command can reach may touch (<see cref="Reach"/>), so that the step
    /// effects themselves need no queries and a command that cannot end the case loads nothing more.</summary>
    public static async Task<CaseRun> BeginAsync(CaseEngine engine, CaseRecord record, CompiledProcedure procedure,
        Actor actor, Reach reach, CancellationToken ct)
    {
        var db = engine.Db;
        var existing = db.Entry(record).State != EntityState.Detached;
        var openTasks = existing && reach.MayEnd
            ? await db.Tasks.Where(t => t.CaseId == record.Id && t.Status == TaskStatus.Open).ToListAsync(ct)
            : [];
        var claim = existing && procedure.Definition.OncePer is not null && (reach.MayReleaseClaim || reach.MayVerifyUnique)
            ? await db.OncePerClaims.FirstOrDefaultAsync(c => c.CaseId == record.Id, ct)
            : null;
        var run = new CaseRun(engine, record, procedure, actor, openTasks, claim);
        if (procedure.UsesStandard || reach.SubProcedures.Count > 0)
            run._standard = await Standards.AtAsync(db, record.RegionCode, Calendar.WorkingDayCalendar.ChinaDate(engine.Now), ct);
        foreach (var key in reach.SubProcedures)
            run._children[key] = await engine.Catalog.ResolveAsync(db, key, record.RegionCode, ct)
                ?? throw new InvalidInput("procedure", $"区划 {record.RegionCode} 没有已发布的子流程 '{key}' (no such sub-procedure published)");
        if (existing && record.ParentCaseId is { } parentId && reach.MayEnd)
        {
            // This command may end a child case: its parent resumes in the same transaction.
            var parent = await db.Cases.SingleAsync(c => c.Id == parentId, ct);
            var parentProcedure = await engine.Catalog.GetAsync(db, parent.DefinitionVersionId, ct);
            run._parent = await BeginAsync(engine, parent, parentProcedure, Actor.System,
                parentProcedure.ReachOf(parent.Step, CompiledProcedure.Next), ct);
            run._finishParent = true;
        }
        return run;
    }

    public void Record(string step, string action, string? outcome = null, string? comment = null, JsonNode? details = null) =>
        Db.History.Add(new HistoryRecord
        {
            CaseId = _case.Id, At = Now, Actor = _actor.Username, Step = step, Action = action,
            Outcome = outcome, Comment = comment, DetailsJson = details?.ToJsonString(),
        });

    public void EnterStart()
    {
        Enter(CurrentStep);
        AdvanceAutomatically();
    }

    /// <summary>Fires a trigger in the current step and runs on through automatic steps.</summary>
    public void Fire(string trigger)
    {
        if (_procedure.Fire(_case.Step, trigger, this) is null)
            throw new InvalidOperationException(
                $"Step '{_case.Step}' cannot take '{trigger}'" +
                (CurrentStep.Kind == StepKinds.Decision ? ": no branch condition holds" : ""));
        AdvanceAutomatically();
    }

    private void AdvanceAutomatically()
    {
        for (var i = 0; CurrentStep.Kind is StepKinds.Decision or StepKinds.Action or StepKinds.Payment
                        || (_childDone && CurrentStep.Kind == StepKinds.SubProcedure); i++)
        {
            if (i == MaxAutomaticSteps)
                throw new InvalidOperationException($"The procedure loops through automatic steps without waiting (at '{_case.Step}').");
            _childDone = false;
            if (_procedure.Fire(_case.Step, CompiledProcedure.Next, this) is null)
                throw new InvalidOperationException($"Step '{_case.Step}': no branch condition holds.");
        }
    }

    public void Enter(StepDefinition step)
    {
        _case.Step = step.Id;
        _entering = true;
        try { EnterStep(step); }
        finally { _entering = false; }
    }

    private void EnterStep(StepDefinition step)
    {
        switch (step.Kind)
        {
            case StepKinds.SubProcedure: StartChild(step); break;
            case StepKinds.Task: CreateTask(step); break;
            case StepKinds.Action: RunAction(step); break;
            case StepKinds.Payment: Pay(step); break;
            case StepKinds.Timer: Wait(step); break;
            case StepKinds.Notice: PublishNotice(step); break;
            case StepKinds.End: End(step); break;
        }
    }

    public bool Holds(string expression) => Scope().IsTrue(expression);

    public void CompleteTask(TaskRecord task, string? outcome, JsonObject? data, string? comment)
    {
        if (string.IsNullOrWhiteSpace(outcome) || !task.OutcomeList.Contains(outcome))
            throw new InvalidInput("outcome", $"应为 {string.Join(" / ", task.OutcomeList)} 之一 (must be one of the task's outcomes)");
        if (_case.Step != task.Step)
            throw new ConflictProblem("案件已不在该环节 (the case has moved on from this step).");
        var step = CurrentStep;
        var definition = step.Outcomes.First(o => o.Name == outcome);
        var errors = new FieldErrors();
        if (definition.RequiresComment && string.IsNullOrWhiteSpace(comment))
            errors.Add("comment", "须填写书面理由 (a written reason is required for this outcome)");
        _input = data ?? new JsonObject();
        _outcome = outcome;
        _scope = null;
        CollectRuleErrors(step.Form, errors, fieldPrefix: "data.");
        errors.ThrowIfAny();

        task.Status = TaskStatus.Completed;
        task.Outcome = outcome;
        task.CompletedBy = _actor.Username;
        task.CompletedAt = Now;
        task.Version++;
        _openTasks.Remove(task);
        CancelTimer(task.DeadlineTimerId);
        task.DeadlineTimerId = null;
        var caseData = _root["data"]!.AsObject();
        foreach (var (field, value) in _input) caseData[field] = value?.DeepClone();
        _scope = null;
        _lastComment = comment;
        Record(step.Id, "completed", outcome, comment, _input.Count > 0 ? _input.DeepClone() : null);
        Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskRemoved", task, Now));
        Fire(outcome);
    }

    public void DeadlinePassed(TaskRecord task)
    {
        var step = _procedure.Step(task.Step);
        var deadline = step.Deadline!;
        task.DeadlineTimerId = null; // this timer has fired; nothing is left to cancel
        switch (deadline.OnTimeout)
        {
            case "remind":
                task.Reminded = true;
                task.Version++;
                Record(step.Id, "reminded", details: new JsonObject { ["dueAt"] = task.DueAt });
                Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskOverdue", task, Now));
                break;
            case "escalate":
                Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskRemoved", task, Now));
                var above = LevelAbove(Enum.Parse<RegionLevel>(step.Level!, ignoreCase: true));
                task.RegionCode = RegionCode.AtLevel(_case.RegionCode, above);
                task.Level = RegionCode.NameOf(above);
                task.Role = deadline.EscalateTo!;
                task.Escalated = true;
                task.ClaimedBy = null;
                task.ClaimedAt = null;
                task.Version++;
                Record(step.Id, "escalated", details: new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode });
                Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskAssigned", task, Now));
                Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskOverdue", task, Now));
                break;
            case "auto":
                CompleteTask(task, deadline.Outcome, null, "逾期自动处理 (automatic outcome at the deadline)");
                break;
        }
    }

    /// <summary>Checks rules and throws 422 with every failing field at once.</summary>
    public void CheckRules(IEnumerable<FieldRule> rules, JsonObject? input, string? outcome, string fieldPrefix)
    {
        _input = input;
        _outcome = outcome;
        _scope = null;
        var errors = new FieldErrors();
        CollectRuleErrors(rules, errors, fieldPrefix);
        errors.ThrowIfAny();
    }

    private void CollectRuleErrors(IEnumerable<FieldRule> rules, FieldErrors errors, string fieldPrefix)
    {
        foreach (var rule in rules)
        {
            var field = fieldPrefix + rule.Field;
            try
            {
                if (rule.When is not null && !Holds(rule.When)) continue;
                var value = _input is not null ? _input[rule.Field] : Resolve(_root, rule.Field);
                var missing = value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>()));
                if (missing)
                {
                    if (rule.Required) errors.Add(field, rule.Message);
                    continue;
                }
                if (rule.Check is not null && !Holds(rule.Check)) errors.Add(field, rule.Message);
            }
            catch (ExpressionFailedException e)
            {
                errors.Add(field, $"{rule.Message}（无法判断：{e.Reason}）");
            }
        }
    }

    private static JsonNode? Resolve(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        return node;
    }

    private void CreateTask(StepDefinition step)
    {
        var level = Enum.Parse<RegionLevel>(step.Level!, ignoreCase: true);
        var task = new TaskRecord
        {
            Id = Guid.NewGuid(),
            CaseId = _case.Id,
            Procedure = _case.Procedure,
            Step = step.Id,
            Name = step.Name,
            Role = step.Role!,
            Level = RegionCode.NameOf(level),
            RegionCode = RegionCode.AtLevel(_case.RegionCode, level),
            Outcomes = string.Join(',', step.Outcomes.Select(o => o.Name)),
            CreatedAt = Now,
            DueAt = step.Deadline is { } d ? _engine.Calendar.DueAt(Now, d.WorkingDays) : null,
        };
        Db.Tasks.Add(task);
        _openTasks.Add(task);
        if (task.DueAt is { } due) task.DeadlineTimerId = AddTimer(step, TimerKind.Deadline, due, task.Id);
        Record(step.Id, "task-created", details: new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode, ["dueAt"] = task.DueAt });
        Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskAssigned", task, Now));
    }

    private void Wait(StepDefinition step)
    {
        var today = Calendar.WorkingDayCalendar.ChinaDate(Now);
        var due = step.Period == "monthly"
            ? Calendar.WorkingDayCalendar.EndOfDayUtc(new DateOnly(today.Year, today.Month, 1).AddMonths(1).AddDays(-1))
            : Calendar.WorkingDayCalendar.EndOfDayUtc(_engine.Calendar.AddWorkingDays(today, step.WorkingDays!.Value));
        _case.WaitTimerId = AddTimer(step, TimerKind.StepWait, due, taskId: null);
        Record(step.Id, "waiting", details: new JsonObject { ["until"] = due });
    }

    /// <summary>Runs another procedure (e.g. 一事一议 at the county coordination mechanism) as a child case of the same
    /// applicant and region; this case waits in the step until the child ends, then takes its decision.</summary>
    private void StartChild(StepDefinition step)
    {
        var procedure = _children[step.Procedure!];
        var child = new CaseRecord
        {
            Id = Guid.NewGuid(),
            Procedure = procedure.Definition.Key,
            RegionCode = _case.RegionCode,
            ProvinceCode = _case.ProvinceCode,
            DefinitionVersionId = procedure.Version.Id,
            Step = procedure.Definition.Start,
            ApplicantName = _case.ApplicantName,
            ApplicantIdNumber = _case.ApplicantIdNumber,
            CreatedAt = Now,
            UpdatedAt = Now,
            CreatedBy = _actor.Username,
            ParentCaseId = _case.Id,
            DataJson = _root.ToJsonString(),
        };
        Db.Cases.Add(child);
        Record(step.Id, "subprocedure-started", details: new JsonObject { ["procedure"] = child.Procedure, ["caseId"] = child.Id });
        var run = new CaseRun(_engine, child, procedure, _actor, [], null) { _standard = _standard, _parent = this };
        run.Record(child.Step, "started", details: new JsonObject { ["parentCaseId"] = _case.Id, ["version"] = procedure.Version.Version });
        run.EnterStart();
        run.Finish();
    }

    /// <summary>The child case ended: its decision goes to <c>data[output]</c> and this case moves on.</summary>
    private void ResumeFromChild(CaseRecord child, JsonObject childData)
    {
        var step = CurrentStep;
        if (step.Kind != StepKinds.SubProcedure) return; // the parent moved on meanwhile; nothing waits for this child
        _root["data"]![step.Output!] = new JsonObject
        {
            ["caseId"] = child.Id,
            ["approved"] = child.Approved == true,
            ["amount"] = childData["amount"]?.DeepClone(),
            ["reason"] = child.Reason,
        };
        _scope = null;
        Record(step.Id, "subprocedure-ended", outcome: child.Status, details: new JsonObject { ["caseId"] = child.Id });
        _childDone = true;
        if (!_entering) AdvanceAutomatically();
    }

    /// <summary>公示: the case is listed publicly (masked) until the end of the notice period, then moves on.</summary>
    private void PublishNotice(StepDefinition step)
    {
        var until = Calendar.WorkingDayCalendar.EndOfDayUtc(
            _engine.Calendar.AddWorkingDays(Calendar.WorkingDayCalendar.ChinaDate(Now), step.WorkingDays!.Value));
        var amount = step.Amount is null ? (decimal?)null : Scope().Money(step.Amount);
        Db.Notices.Add(new NoticeRecord
        {
            Id = Guid.NewGuid(), CaseId = _case.Id, RegionCode = _case.RegionCode, Procedure = _case.Procedure, Step = step.Id,
            MaskedName = NoticeRecord.MaskName(_case.ApplicantName), MaskedIdNumber = NoticeRecord.MaskIdNumber(_case.ApplicantIdNumber),
            AmountFen = amount is { } a ? Money.ToFen(a) : null, From = Now, Until = until,
        });
        _case.WaitTimerId = AddTimer(step, TimerKind.StepWait, until, taskId: null);
        Record(step.Id, "notice-published", details: new JsonObject { ["until"] = until, ["amount"] = amount });
    }

    private Guid AddTimer(StepDefinition step, string kind, DateTime due, Guid? taskId)
    {
        var timer = new TimerRecord { Id = Guid.NewGuid(), CaseId = _case.Id, TaskId = taskId, Step = step.Id, Kind = kind, DueAt = due };
        Db.Timers.Add(timer);
        return timer.Id;
    }

    /// <summary>Cancels a pending timer by id, without loading it: one UPDATE in the command's batch.</summary>
    private void CancelTimer(Guid? id)
    {
        if (id is not { } timerId) return;
        var timer = Db.Timers.Local.FirstOrDefault(t => t.Id == timerId);
        if (timer is null)
        {
            timer = new TimerRecord { Id = timerId };
            Db.Timers.Attach(timer);
        }
        timer.Status = TimerStatus.Cancelled;
    }

    private void RunAction(StepDefinition step)
    {
        switch (step.Action)
        {
            case StepActionNames.VerifyUnique:
                var oncePer = _procedure.Definition.OncePer!;
                var held = _claim is not null || Db.ChangeTracker.Entries<OncePerClaimRecord>().Any(e => e.Entity.CaseId == _case.Id);
                if (!held) throw new ConflictProblem(CaseEngine.OncePerMessage(oncePer));
                Record(step.Id, "duplicate-check-passed", details: new JsonObject
                {
                    ["scope"] = oncePer.Scope, ["subject"] = IdNumber.Mask(_case.ApplicantIdNumber),
                });
                break;
            case StepActionNames.ApplyRule:
                ApplyRule(step);
                break;
            case StepActionNames.Assign:
                var value = Scope().Json(step.Value!);
                _root["data"]![step.Output!] = value;
                _scope = null;
                Record(step.Id, "assigned", details: new JsonObject { ["field"] = step.Output, ["value"] = value?.DeepClone() });
                break;
            case StepActionNames.ApproveCase:
                _case.Status = CaseStatus.Approved;
                _case.Approved = true;
                Record(step.Id, "approved");
                break;
        }
    }

    private void ApplyRule(StepDefinition step)
    {
        var standard = _standard is null
            ? throw new InvalidInput("regionCode", $"区划 {_case.RegionCode} 及其上级未设定低保标准，无法计算 (no MLG standard is set for this region)")
            : new Standard(_standard["urbanMonthly"]!.GetValue<decimal>(), _standard["ruralMonthly"]!.GetValue<decimal>(),
                _standard["effectiveFrom"]!.GetValue<string>(), _standard["regionCode"]!.GetValue<string>());
        var data = _root["data"]!.AsObject();
        var result = PolicyRules.Apply(step.Rule!, new PolicyInput(
            Household.From(_root["household"] as JsonObject), standard, data, _procedure.Definition.Parameters));
        var answer = result.ToJson();
        answer["standardFrom"] = standard.EffectiveFrom;
        data[step.Output!] = answer;
        _scope = null;
        Record(step.Id, "rule-applied", details: new JsonObject { ["rule"] = step.Rule, ["answer"] = answer.DeepClone() });
    }

    private void Pay(StepDefinition step)
    {
        var amount = Scope().Money(step.Amount!);
        var basis = new JsonObject
        {
            ["expression"] = step.Amount,
            ["params"] = _procedure.Definition.Parameters.DeepClone(),
            ["data"] = _root["data"]!.DeepClone(),
            ["standard"] = _standard?.DeepClone(),
            ["amount"] = amount,
        };
        if (amount == 0)
        {
            Record(step.Id, "no-payment", details: basis);
            return;
        }
        var instalment = ++_case.PaymentCount;
        var period = step.Period == "monthly" ? Calendar.WorkingDayCalendar.ChinaDate(Now).ToString("yyyy-MM") : null;
        var payment = new PaymentRecord
        {
            Id = Guid.NewGuid(),
            CaseId = _case.Id,
            RegionCode = _case.RegionCode,
            Period = period,
            Instalment = instalment,
            PaymentKey = PaymentRecord.KeyFor(period, instalment),
            AmountFen = Money.ToFen(amount),
            Status = step.PaidAtOnce ? PaymentStatus.Paid : PaymentStatus.Pending,
            CreatedAt = Now,
            BasisJson = basis.ToJsonString(),
        };
        Db.Payments.Add(payment);
        _case.AmountFen = (_case.AmountFen ?? 0) + payment.AmountFen;
        _scope = null; // the payments seen by later expressions changed
        Record(step.Id, step.PaidAtOnce ? "paid-at-once" : "payment-created", details: basis);
        Db.Outbox.Add(new OutboxRecord
        {
            At = Now, Type = "paymentRequested", CaseId = _case.Id, RegionCode = _case.RegionCode,
            PayloadJson = JsonSerializer.Serialize(new { payment.Id, payment.CaseId, amount, payment.PaymentKey }),
        });
    }

    private void End(StepDefinition step)
    {
        _case.Status = step.Status!;
        _case.Approved = step.Status switch { CaseStatus.Approved => true, CaseStatus.Rejected => false, _ => _case.Approved };
        var stated = step.Reason is null ? null : Scope().Evaluate(step.Reason);
        if (stated is not null && stated != Jint.Native.JsValue.Null && stated != Jint.Native.JsValue.Undefined) _case.Reason = stated.ToString();
        else if (step.Status == CaseStatus.Rejected) _case.Reason = _lastComment;
        CancelTimer(_case.WaitTimerId);
        _case.WaitTimerId = null;
        foreach (var task in _openTasks.ToList())
        {
            CancelTimer(task.DeadlineTimerId);
            task.DeadlineTimerId = null;
            task.Status = TaskStatus.Cancelled;
            task.Version++;
            Db.Outbox.Add(Notifications.For(_engine.Calendar, "taskRemoved", task, Now));
            _openTasks.Remove(task);
        }
        // A refused application does not use up the person's one chance.
        if (step.Status != CaseStatus.Approved && step.Status != CaseStatus.Closed)
        {
            if (_claim is not null) Db.OncePerClaims.Remove(_claim);
            foreach (var added in Db.ChangeTracker.Entries<OncePerClaimRecord>()
                         .Where(e => e.Entity.CaseId == _case.Id && e.State == EntityState.Added).ToList())
                added.State = EntityState.Detached;
        }
        Record(step.Id, "ended", outcome: step.Status);
        if (_parent is not null)
        {
            _parent.ResumeFromChild(_case, _root["data"]!.AsObject());
            if (_finishParent) _parent.Finish();
        }
    }

    private ExpressionScope Scope() => _scope ??= new ExpressionScope(new JsonObject
    {
        ["data"] = _root["data"]?.DeepClone(),
        ["applicant"] = _root["applicant"]?.DeepClone(),
        ["household"] = _root["household"]?.DeepClone(),
        ["params"] = _procedure.Definition.Parameters.DeepClone(),
        ["standard"] = _standard?.DeepClone(),
        ["input"] = _input?.DeepClone(),
        ["outcome"] = _outcome,
        ["decision"] = new JsonObject
        {
            ["approved"] = _case.Approved,
            ["amount"] = _case.AmountFen is { } fen ? Money.ToYuan(fen) : null,
        },
        // What this case has paid so far: instalment plans (一次审批、分次发放) count and settle against it.
        ["payments"] = new JsonObject
        {
            ["count"] = _case.PaymentCount,
            ["total"] = Money.ToYuan(_case.AmountFen ?? 0),
        },
    });

    private static RegionLevel LevelAbove(RegionLevel level) => level switch
    {
        RegionLevel.Village => RegionLevel.Township,
        RegionLevel.Township => RegionLevel.County,
        RegionLevel.County => RegionLevel.City,
        _ => RegionLevel.Province,
    };

    /// <summary>Writes the case's data back and moves its concurrency token.</summary>
    public void Finish()
    {
        _case.DataJson = _root.ToJsonString();
        _case.UpdatedAt = Now;
        _case.Version++;
    }
}

internal static class Notifications
{
    public static OutboxRecord For(WorkingDayCalendar calendar, string type, TaskRecord task, DateTime now) => new()
    {
        At = now,
        Type = type,
        CaseId = task.CaseId,
        TaskId = task.Id,
        RegionCode = task.RegionCode,
        Role = task.Role,
        PayloadJson = JsonSerializer.Serialize(TaskView.Of(task, now, calendar), JsonSerializerOptions.Web),
    };
}
