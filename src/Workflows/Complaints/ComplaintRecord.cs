namespace Workflows.Complaints;

public static class ComplaintStatus
{
    public const string Open = "open";
    public const string Replied = "replied";
}

/// <summary>信访 (004 §五(五)): a complaint with a named owner, a time limit in working days and a reply; past the limit it
/// goes to the county. The complainant's words and phone are sealed at rest like a case's data.</summary>
public sealed class ComplaintRecord
{
    public Guid Id { get; set; }
    public string RegionCode { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Content { get; set; } = "";
    public string ComplainantName { get; set; } = "";
    public string? ComplainantPhone { get; set; }
    public Guid? CaseId { get; set; }
    /// <summary>The official who must answer it (a username).</summary>
    public string Owner { get; set; } = "";
    public string Status { get; set; } = ComplaintStatus.Open;
    public DateTime DueAt { get; set; }
    public bool DueAtProvisional { get; set; }
    public bool Escalated { get; set; }
    public DateTime? EscalatedAt { get; set; }
    /// <summary>Who owned it before it went up to the county.</summary>
    public string? EscalatedFrom { get; set; }
    public string? Reply { get; set; }
    public DateTime? RepliedAt { get; set; }
    public string? RepliedBy { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
}
