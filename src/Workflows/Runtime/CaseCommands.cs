using System.Text.Json.Nodes;
using Workflows.Cases;
using Workflows.Payments;
using Workflows.Tasks;

namespace Workflows.Runtime;

public sealed record ApplicantInput(string? Name, string? IdNumber, string? Phone, string? BankAccount);

/// <summary>POST /api/cases (API.md, Cases).</summary>
public sealed record StartCaseCommand(
    string? Procedure, string? RegionCode, ApplicantInput? Applicant, JsonObject? Household, JsonObject? Data)
{
    /// <summary>The route the command came through (<see cref="Definitions.StartRoutes"/>), checked against the definition's
    /// <c>startedBy</c>; not part of the request body.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Route { get; init; } = Definitions.StartRoutes.Cases;
}

/// <summary>POST /api/tasks/{id}/complete.</summary>
public sealed record CompleteTaskCommand(string? Outcome, JsonObject? Data, string? Comment);

/// <summary>What a command on a case leaves: the case, every one of its tasks still open, its whole history and,
/// when the command made all of them, its payments (null otherwise). The command has them in hand, so the reply
/// is built without reading them again.</summary>
public sealed record CommandResult(
    CaseRecord Case, IReadOnlyList<TaskRecord> OpenTasks, IReadOnlyList<HistoryRecord> History, IReadOnlyList<PaymentRecord>? Payments);
