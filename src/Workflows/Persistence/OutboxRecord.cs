using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Tasks;

namespace Workflows.Persistence;

/// <summary>The notifications of one command on one case, written in the command's transaction and sent only
/// after it commits, in the order the command raised them. One row per command rather than per event: a
/// completion raises two or three, and each row is an insert, a read and an update for the database.</summary>
public sealed class OutboxRecord
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public Guid CaseId { get; set; }
    /// <summary>A JSON array of <see cref="OutboxEvent"/>.</summary>
    public string EventsJson { get; set; } = "[]";
    public DateTime? DispatchedAt { get; set; }

    // Stored, not shown: Chinese text as UTF-8 rather than \u escapes, and no empty fields. Rows written before read the same.
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerOptions.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static OutboxRecord Of(Guid caseId, DateTime at, IEnumerable<OutboxEvent> events) => new()
    {
        At = at, CaseId = caseId, EventsJson = JsonSerializer.Serialize(events, Stored),
    };

    public IReadOnlyList<OutboxEvent> Events() => JsonSerializer.Deserialize<List<OutboxEvent>>(EventsJson, Stored) ?? [];
}

/// <summary>One notification: a task event for the officials' inboxes (API.md, Push), or a payment to make. A removed
/// task is pushed as its id alone, so its event keeps only that and whose inboxes held it (<see cref="Removed"/>), not the
/// whole task: an escalation's row then stays small enough for PostgreSQL to store it as it is, without compressing it.</summary>
public sealed record OutboxEvent(string Type, Guid CaseId, TaskView? Task = null, PaymentRequest? Payment = null,
    RemovedTask? Removed = null);

/// <summary>A task gone from the inboxes of its role at its region and level.</summary>
public sealed record RemovedTask(Guid Id, string RegionCode, string Level, string Role);

public sealed record PaymentRequest(Guid Id, decimal Amount, string PaymentKey);

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
