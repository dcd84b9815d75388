using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Regions;
using Workflows.Runtime;
using Workflows.Tasks;

namespace Workflows.Payments;

/// <summary>
/// The task a failed bank payment opens (API.md, Payroll runs), or a payment no run could send for want of an account:
/// the case's village caseworker, or its township officer when the case was filed at the township, corrects the
/// recipient's account (outcome <c>corrected</c>, <c>data.bankAccount</c>); the next supplementary run of that month pays
/// a failed one, the next regular run one that never had an account. It is no step of the procedure: it stands beside
/// whatever step the case is at.
/// </summary>
public static partial class BankAccountCorrection
{
    public const string Step = "bank-account-correction";
    public const string Name = "更正银行账户（代发失败）";
    public const string Outcome = "corrected";
    /// <summary>Why the task was opened, as the case's history records it.</summary>
    public const string Failed = "bank-payment-failed";
    public const string Missing = "bank-account-missing";

    [GeneratedRegex(@"^\d{10,30}$")]
    private static partial Regex AccountPattern();

    public static TaskRecord TaskFor(Cases.CaseRecord record, DateTime now, string why)
    {
        var atVillage = RegionCode.LevelOf(record.RegionCode) == RegionLevel.Village;
        return new TaskRecord
        {
            Id = Guid.CreateVersion7(), CaseId = record.Id, Procedure = record.Procedure, Step = Step, Name = why == Missing ? "补录银行账户（无账户无法代发）" : Name,
            Role = atVillage ? Access.Roles.VillageCaseworker : Access.Roles.TownshipOfficer,
            Level = RegionCode.NameOf(atVillage ? RegionLevel.Village : RegionLevel.Township),
            RegionCode = record.RegionCode, Outcomes = Outcome, CreatedAt = now,
        };
    }

    /// <summary>The corrected account from the task's form, or 422 naming the field and the rule.</summary>
    public static string AccountFrom(string? outcome, JsonObject? data)
    {
        if (outcome != Outcome) throw new InvalidInput("outcome", $"应为 {Outcome} (must be one of the task's outcomes)");
        var value = data?["bankAccount"] is JsonValue v && v.TryGetValue<string>(out var s) ? Normalise(s) : null;
        return value ?? throw new InvalidInput("data.bankAccount", "应为 10–30 位数字的银行账号 (a bank account of 10–30 digits)");
    }

    /// <summary>An account as the bank writes it: digits only, the spaces and dashes people type between groups removed;
    /// null when it is not 10–30 digits then.</summary>
    public static string? Normalise(string? account)
    {
        var digits = account?.Replace(" ", "").Replace("-", "");
        return digits is not null && AccountPattern().IsMatch(digits) ? digits : null;
    }

    /// <summary>As lists and history show it: the first and last four digits.</summary>
    public static string Mask(string? account) =>
        account is { Length: > 8 } ? account[..4] + new string('*', account.Length - 8) + account[^4..] : "****";
}
