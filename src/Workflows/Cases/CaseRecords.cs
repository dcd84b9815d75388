using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Cases;

public static class CaseStatus
{
    public const string Open = "open";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Closed = "closed";
}

/// <summary>One running procedure. <see cref="Version"/> is the optimistic-concurrency token every command checks.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    public string Procedure { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string ProvinceCode { get; set; } = "";
    public long DefinitionVersionId { get; set; }
    /// <summary>The step the case is in (the Stateless state).</summary>
    public string Step { get; set; } = "";
    public string Status { get; set; } = CaseStatus.Open;
    public string ApplicantName { get; set; } = "";
    public string ApplicantIdNumber { get; set; } = "";
    /// <summary>The applicant's account (一卡通), digits only, as <c>applicant.bankAccount</c> of the data: kept as a column
    /// too so a county's payroll run reads it without parsing a million documents.</summary>
    public string? ApplicantBankAccount { get; set; }
    /// <summary>{applicant, household, data}: what the application and the steps' forms supplied.</summary>
    public string DataJson { get; set; } = "{}";
    public bool? Approved { get; set; }
    public long? AmountFen { get; set; }
    public long? MonthlyAmountFen { get; set; }
    public string? Reason { get; set; }
    /// <summary>Payments made so far; the next one is instalment PaymentCount + 1.</summary>
    public int PaymentCount { get; set; }
    /// <summary>For a child case (a sub-procedure such as 一事一议): the case waiting for it.</summary>
    public Guid? ParentCaseId { get; set; }
    /// <summary>The pending timer of a timer step the case waits in, if any.</summary>
    public Guid? WaitTimerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public int Version { get; set; }
    /// <summary>The hash of the case's last history row (<see cref="Audit.AuditChain"/>): removing that row shows.</summary>
    public string? HistoryHash { get; set; }
    /// <summary>The case started before this one: the chain over cases, so that a deleted case shows.</summary>
    public Guid? PreviousCaseId { get; set; }
}

/// <summary>The audit trail: what one command did to one case — who, when, and each step's action in order.
/// One row per command rather than per action: a completion records three to five actions, and each row is an
/// insert for the database and an entity for the unit of work. Rows are only ever added.</summary>
public sealed class HistoryRecord
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public long Id { get; set; }
    public Guid CaseId { get; set; }
    /// <summary>The version of the case this command moved it to; unique per case (an index of WorkflowDb).
    /// Null only in rows written before versions were recorded.</summary>
    public int? CaseVersion { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    /// <summary>A JSON array of <see cref="HistoryEntry"/>; empty when the command moved the case without an action
    /// to show (a deadline timer that found its task already done).</summary>
    public string EntriesJson { get; set; } = "[]";
    /// <summary>This row's link in the case's hash chain (<see cref="Audit.AuditChain"/>).</summary>
    public string? Hash { get; set; }

    /// <summary>The row of the version <paramref name="movedCase"/> is at now.</summary>
    public static HistoryRecord Of(CaseRecord movedCase, DateTime at, string actor, IEnumerable<HistoryEntry> entries) => new()
    {
        CaseId = movedCase.Id, CaseVersion = movedCase.Version, At = at, Actor = actor,
        EntriesJson = JsonSerializer.Serialize(entries, Json),
    };

    public IReadOnlyList<HistoryEntry> Entries() => JsonSerializer.Deserialize<List<HistoryEntry>>(EntriesJson, Json) ?? [];
}

/// <summary>One action at one step: a task completed with its outcome and form data, a task created, a payment…</summary>
public sealed record HistoryEntry(string Step, string Action, string? Outcome = null, string? Comment = null, JsonNode? Details = null);

/// <summary>The claim that enforces "one case per subject per region scope" as a unique key.</summary>
public sealed class OncePerClaimRecord
{
    public long Id { get; set; }
    public string Procedure { get; set; } = "";
    public string ScopeRegion { get; set; } = "";
    /// <summary>The person's keyed hash (<see cref="PersonalData.PersonalDataCipher.Lookup"/>), never the ID number itself.</summary>
    public string Subject { get; set; } = "";
    public Guid CaseId { get; set; }
}
