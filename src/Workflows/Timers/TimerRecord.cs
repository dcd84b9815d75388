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
    /// <summary>Its command failed every attempt (<see cref="TimerRetries"/>): parked with its error for an operator, who
    /// may retry it by hand once the cause is fixed.</summary>
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
    /// <summary>Failed attempts so far; reset when an operator retries a parked timer.</summary>
    public int Attempts { get; set; }
    /// <summary>Not before this instant: the backoff after a failed attempt.</summary>
    public DateTime? RetryAt { get; set; }
    /// <summary>A worker took it to fire and holds it until then (<see cref="TimerClaims"/>); after that, if it is still
    /// pending, its worker died with it and any other may take it.</summary>
    public DateTime? ClaimedUntil { get; set; }
    /// <summary>What the last failed attempt said, with long digit runs (ID numbers, accounts) masked.</summary>
    public string? LastError { get; set; }
}
