using Microsoft.EntityFrameworkCore;
using Workflows.Cases;
using Workflows.Definitions;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>The end of a case: its status, decision and what it no longer needs.</summary>
internal sealed partial class CaseRun
{
    /// <summary>The applicant withdraws: the case ends as <c>withdrawn</c> where it stands, with the reason. Returns its
    /// open tasks after (a bank-account correction outlives it, as it outlives any end).</summary>
    public IReadOnlyList<Tasks.TaskRecord> Withdraw(string reason, int paymentsCancelled) =>
        EndHere(CaseStatus.Withdrawn, "撤回申请", "withdrawn", reason, paymentsCancelled > 0
            ? new System.Text.Json.Nodes.JsonObject { ["paymentsCancelled"] = paymentsCancelled } : null);

    /// <summary>The case ends where it stands, not at an end step of its procedure (a withdrawal, a recipient's death
    /// confirmed): the action recorded with the reason, then the end as any end step makes it.</summary>
    public IReadOnlyList<Tasks.TaskRecord> EndHere(string status, string name, string action, string reason,
        System.Text.Json.Nodes.JsonNode? details = null)
    {
        var at = CurrentStep.Id;
        Record(at, action, comment: reason, details: details);
        End(new StepDefinition { Id = at, Kind = StepKinds.End, Name = name, Status = status });
        _case.Reason = reason;
        return _openTasks;
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
        // A failed bank payment is still owed for its month: its correction task outlives the case's end.
        foreach (var task in _openTasks.Where(t => t.Step != Payments.BankAccountCorrection.Step).ToList())
        {
            CancelTimer(task.DeadlineTimerId);
            task.DeadlineTimerId = null;
            task.Status = TaskStatus.Cancelled;
            task.Version++;
            _engine.Notify("taskRemoved", task);
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
        // Only an approved end leaves a benefit running (its later reviews and exits come by data comparison or a new
        // case); refused, withdrawn or closed, the case pays nothing more.
        if (step.Status != CaseStatus.Approved && _benefit is { Status: not Benefits.BenefitStatus.Ended })
            EndBenefit(step);
        Record(step.Id, "ended", outcome: step.Status);
        if (_parent is not null)
        {
            _parent.ResumeFromChild(_case, _root["data"]!.AsObject());
            if (_finishParent) _parent.Finish();
        }
    }
}
