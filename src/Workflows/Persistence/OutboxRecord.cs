namespace Workflows.Persistence;

/// <summary>A notification written in the command's transaction and sent only after it commits.</summary>
public sealed class OutboxRecord
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Type { get; set; } = "";
    public Guid CaseId { get; set; }
    public Guid? TaskId { get; set; }
    public string RegionCode { get; set; } = "";
    public string? Role { get; set; }
    public string PayloadJson { get; set; } = "{}";
    public DateTime? DispatchedAt { get; set; }
}

/// <summary>The first response to a POST carrying an Idempotency-Key, replayed to retries.</summary>
public sealed class IdempotencyRecord
{
    public string Key { get; set; } = "";
    public string Username { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public bool Completed { get; set; }
    /// <summary>Set in the transaction of the request's own changes: once true the request never runs again,
    /// even when the process stopped before its response was kept.</summary>
    public bool Executed { get; set; }
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? ResponseBody { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class SettingRecord
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
