using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Definitions;
using Workflows.Regions;
using Workflows.Tasks;
using Workflows.Timers;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>Human tasks: completing them, their deadlines, creating the next.</summary>
internal sealed partial class CaseRun
{
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
        _engine.Notify("taskRemoved", task);
        if (step.Kind == StepKinds.Notice) ConcludeObjection(step, definition);
        else Fire(outcome);
    }

    /// <summary>An objection to a notice, received from the public board: a task for the notice's verifier, the reason
    /// (and how to reach the objector, if given) in the history, which is sealed at rest. Returns the task.</summary>
    public TaskRecord ReceiveObjection(string reason, string? contact)
    {
        var step = CurrentStep;
        var task = CreateTask(step, $"核实公示异议：{step.Name}");
        var details = new JsonObject { ["objection"] = task.Id };
        if (contact is not null) details["contact"] = contact;
        Record(step.Id, "objection-received", comment: reason, details: details);
        return task;
    }

    /// <summary>The verifier's answer. Dismissed (an outcome back to the notice): the notice goes on, and if its period ran
    /// out while the objection was open and none is left, it concludes now. Upheld: the notice is taken down, other
    /// objections to it are moot, and the case goes where the definition says.</summary>
    private void ConcludeObjection(StepDefinition step, OutcomeDefinition outcome)
    {
        var waiting = _openTasks.Where(t => t.Step == step.Id).ToList();
        if (outcome.To == step.Id)
        {
            if (_case.WaitTimerId is null && waiting.Count == 0)
            {
                Record(step.Id, "notice-concluded", details: new JsonObject { ["afterObjections"] = true });
                Fire(CompiledProcedure.Next);
            }
            return;
        }
        foreach (var other in waiting)
        {
            CancelTimer(other.DeadlineTimerId);
            (other.DeadlineTimerId, other.Status) = (null, TaskStatus.Cancelled);
            other.Version++;
            _openTasks.Remove(other);
            _engine.Notify("taskRemoved", other);
        }
        CancelTimer(_case.WaitTimerId);
        _case.WaitTimerId = null;
        _engine.TakeDownNotices(_case.Id);
        Fire(outcome.Name);
    }

    public void DeadlinePassed(TaskRecord task)
    {
        var step = _procedure.Step(task.Step);
        var deadline = step.Deadline!;
        task.DeadlineTimerId = null; // this timer has fired; nothing is left to cancel
        // An escalated task that runs past its new deadline is reminded there: there is no level left that its role works at.
        switch (task.Escalated && deadline.OnTimeout == "escalate" ? "remind" : deadline.OnTimeout)
        {
            case "remind":
                task.Reminded = true;
                task.Version++;
                var details = new JsonObject { ["dueAt"] = task.DueAt };
                if (deadline.RemindEveryWorkingDays is { } every)
                {
                    var (next, provisional) = _engine.Calendar.DueAt(Now, every);
                    task.DeadlineTimerId = AddTimer(step, TimerKind.Deadline, next, task.Id, provisional);
                    details["nextReminder"] = next;
                }
                Record(step.Id, "reminded", details: details);
                _engine.Notify("taskOverdue", task);
                break;
            case "escalate":
                _engine.Notify("taskRemoved", task);
                var above = LevelAbove(Enum.Parse<RegionLevel>(step.Level!, ignoreCase: true));
                task.RegionCode = RegionCode.AtLevel(_case.RegionCode, above);
                task.Level = RegionCode.NameOf(above);
                task.Role = deadline.EscalateTo!;
                task.Escalated = true;
                task.ClaimedBy = null;
                task.ClaimedAt = null;
                task.Version++;
                // The level above gets as many working days as the level below had, from now.
                (task.DueAt, task.DueAtProvisional) = _engine.Calendar.DueAt(Now, deadline.WorkingDays);
                task.DeadlineTimerId = AddTimer(step, TimerKind.Deadline, task.DueAt.Value, task.Id, task.DueAtProvisional);
                Record(step.Id, "escalated", details: new JsonObject
                {
                    ["role"] = task.Role, ["regionCode"] = task.RegionCode, ["dueAt"] = task.DueAt,
                });
                _engine.Notify("taskAssigned", task);
                _engine.Notify("taskOverdue", task);
                break;
            case "auto":
                CompleteTask(task, deadline.Outcome, null, "逾期自动处理 (automatic outcome at the deadline)");
                break;
        }
    }

    private TaskRecord CreateTask(StepDefinition step, string? name = null)
    {
        var level = Enum.Parse<RegionLevel>(step.Level!, ignoreCase: true);
        var task = new TaskRecord
        {
            Id = Guid.CreateVersion7(),
            CaseId = _case.Id,
            Procedure = _case.Procedure,
            Step = step.Id,
            Name = name ?? step.Name,
            Role = step.Role!,
            Level = RegionCode.NameOf(level),
            RegionCode = RegionCode.AtLevel(_case.RegionCode, level),
            Outcomes = string.Join(',', step.Outcomes.Where(o => o.When is null || Holds(o.When)).Select(o => o.Name)),
            CreatedAt = Now,
        };
        if (step.Deadline is not null) (task.DueAt, task.DueAtProvisional) = DueDates.OfTask(_engine.Calendar, step, Now);
        Db.Tasks.Add(task);
        _openTasks.Add(task);
        if (task.DueAt is { } due) task.DeadlineTimerId = AddTimer(step, TimerKind.Deadline, due, task.Id, task.DueAtProvisional);
        var details = new JsonObject { ["role"] = task.Role, ["regionCode"] = task.RegionCode, ["dueAt"] = task.DueAt };
        if (task.DueAtProvisional) details["provisional"] = true;
        Record(step.Id, "task-created", details: details);
        _engine.Notify("taskAssigned", task);
        return task;
    }

    private static RegionLevel LevelAbove(RegionLevel level) => level switch
    {
        RegionLevel.Village => RegionLevel.Township,
        RegionLevel.Township => RegionLevel.County,
        RegionLevel.County => RegionLevel.City,
        _ => RegionLevel.Province,
    };
}
