using System.Text.Json.Nodes;

namespace Workflows.Runtime;

public sealed record ApplicantInput(string? Name, string? IdNumber, string? Phone, string? BankAccount);

/// <summary>POST /api/cases (API.md, Cases).</summary>
public sealed record StartCaseCommand(
    string? Procedure, string? RegionCode, ApplicantInput? Applicant, JsonObject? Household, JsonObject? Data);

/// <summary>POST /api/tasks/{id}/complete.</summary>
public sealed record CompleteTaskCommand(string? Outcome, JsonObject? Data, string? Comment);
