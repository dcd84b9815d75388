namespace Workflows.Timers;

public static class TimerKind
{
    /// <summary>A task's deadline: remind, escalate or take the automatic outcome.</summary>
    public const string Deadline = "deadline";
    /// <summary>A timer step's wait: move on to its next step.</summary>
    public const string StepWait = "step";
}

public static class TimerStatus
{
    public const string Pending = "pending";
    public const string Fired = "fired";
    public const string Cancelled = "cancelled";
    /// <summary>Its command failed for a reason other than a concurrent change; logged for an operator, not retried.</summary>
    public const string Failed = "failed";
}

/// <summary>A durable timer: written with the command that set it, fired once through the command path.</summary>
public sealed class TimerRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid? TaskId { get; set; }
    public string Step { get; set; } = "";
    public string Kind { get; set; } = TimerKind.Deadline;
    public DateTime DueAt { get; set; }
    /// <summary>When the command that set it ran: a wait of working days counts from here.</summary>
    public DateTime SetAt { get; set; }
    /// <summary>Counted days of a year without holiday data; computed again when that year is loaded.</summary>
    public bool DueAtProvisional { get; set; }
    public string Status { get; set; } = TimerStatus.Pending;
    public DateTime? FiredAt { get; set; }
}
