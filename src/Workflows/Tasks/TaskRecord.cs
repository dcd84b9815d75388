namespace Workflows.Tasks;

public static class TaskStatus
{
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

/// <summary>A human task in officials' inboxes: a role at a region, with a working-day deadline.</summary>
public sealed class TaskRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string Procedure { get; set; } = "";
    public string Step { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>The level the step names (village, township…): a task filed above that level is open to
    /// every user of that level beneath it.</summary>
    public string Level { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string Status { get; set; } = TaskStatus.Open;
    /// <summary>Comma-separated outcome names allowed on this task.</summary>
    public string Outcomes { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? DueAt { get; set; }
    /// <summary>The deadline counted days of a year without holiday data (Monday–Friday); it is computed again when
    /// that year is loaded.</summary>
    public bool DueAtProvisional { get; set; }
    /// <summary>The timer that fires at <see cref="DueAt"/>, cancelled when the task closes.</summary>
    public Guid? DeadlineTimerId { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public string? CompletedBy { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? Outcome { get; set; }
    public bool Escalated { get; set; }
    public bool Reminded { get; set; }
    public int Version { get; set; }

    public string[] OutcomeList => Outcomes.Split(',', StringSplitOptions.RemoveEmptyEntries);
    public bool IsOverdue(DateTime now) => Status == TaskStatus.Open && DueAt is { } due && due < now;
}
