using System.Text.Json.Nodes;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Notices;
using Workflows.Timers;

namespace Workflows.Runtime;

/// <summary>Timers and public notices: steps that wait on the working-day calendar.</summary>
internal sealed partial class CaseRun
{
    private void Wait(StepDefinition step)
    {
        var (due, provisional) = DueDates.OfWait(_engine.Calendar, step, Now, step.Months is { } months ? MonthsToWait(step, months) : 1);
        _case.WaitTimerId = AddTimer(step, TimerKind.StepWait, due, taskId: null, provisional);
        Record(step.Id, "waiting", details: Until(due, provisional));
    }

    /// <summary>Long enough for a child's support to wait for the month it comes of age (an infant's, 18 years on).</summary>
    private const int MaxMonthsToWait = 12 * 19;

    private int MonthsToWait(StepDefinition step, string expression)
    {
        var months = Scope().Money(expression);
        if (months < 1 || months > MaxMonthsToWait || months != decimal.Truncate(months))
            throw new InvalidOperationException($"Step '{step.Id}': months must be a whole number from 1 to {MaxMonthsToWait}, got {months}.");
        return (int)months;
    }

    private static JsonObject Until(DateTime due, bool provisional)
    {
        var details = new JsonObject { ["until"] = due };
        if (provisional) details["provisional"] = true;
        return details;
    }

    /// <summary>公示: the case is listed publicly (masked) until the end of the notice period, then moves on.</summary>
    private void PublishNotice(StepDefinition step)
    {
        var (until, provisional) = DueDates.OfWait(_engine.Calendar, step, Now);
        var amount = step.Amount is null ? (decimal?)null : Scope().Money(step.Amount);
        Db.Notices.Add(new NoticeRecord
        {
            Id = Guid.CreateVersion7(), CaseId = _case.Id, RegionCode = _case.RegionCode, Procedure = _case.Procedure, Step = step.Id,
            MaskedName = NoticeRecord.MaskName(_case.ApplicantName), MaskedIdNumber = NoticeRecord.MaskIdNumber(_case.ApplicantIdNumber),
            AmountFen = amount is { } a ? Money.ToFen(a) : null, From = Now, Until = until,
        });
        _case.WaitTimerId = AddTimer(step, TimerKind.StepWait, until, taskId: null, provisional);
        var details = Until(until, provisional);
        details["amount"] = amount;
        Record(step.Id, "notice-published", details: details);
    }

    private Guid AddTimer(StepDefinition step, string kind, DateTime due, Guid? taskId, bool provisional)
    {
        var timer = new TimerRecord
        {
            Id = Guid.CreateVersion7(), CaseId = _case.Id, TaskId = taskId, Step = step.Id, Kind = kind, DueAt = due, SetAt = Now,
            DueAtProvisional = provisional,
        };
        Db.Timers.Add(timer);
        return timer.Id;
    }

    /// <summary>Cancels a pending timer by id, without loading it: one UPDATE in the command's batch.</summary>
    private void CancelTimer(Guid? id)
    {
        if (id is not { } timerId) return;
        var timer = TrackedTimer(timerId);
        if (timer is null)
        {
            timer = new TimerRecord { Id = timerId };
            Db.Timers.Attach(timer);
        }
        timer.Status = TimerStatus.Cancelled;
    }

    /// <summary>The timer if this command already tracks it (added or fired in it), found by key in the identity map.
    /// <c>Local</c> on its own would first compare every tracked entity with its snapshot, on every call.</summary>
    private TimerRecord? TrackedTimer(Guid id)
    {
        var tracker = Db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try { return Db.Timers.Local.FindEntry(id)?.Entity; }
        finally { tracker.AutoDetectChangesEnabled = detect; }
    }
}
