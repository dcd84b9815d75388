using System.Text.Json.Nodes;

namespace Workflows.Policies;

/// <summary>A household as the application states it (API.md: household.members, household.assets).</summary>
public sealed record Household(IReadOnlyList<Member> Members, decimal FinancialAssets)
{
    /// <summary>At least one person: an applicant without listed members is a household of one.</summary>
    public int Size => Math.Max(1, Members.Count);
    public decimal NetIncome => Members.Sum(m => m.NetIncome);
    public Member Applicant => Members.FirstOrDefault(m => m.Relation == "self") ?? Members.FirstOrDefault() ?? Member.Empty;

    public static Household From(JsonObject? household)
    {
        var members = (household?["members"] as JsonArray ?? [])
            .OfType<JsonObject>().Select(Member.From).ToList();
        var assets = household?["assets"] as JsonObject;
        decimal Asset(string name) => assets?[name] is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : 0m;
        return new Household(members, Asset("cash") + Asset("deposits") + Asset("securities") + Asset("claims"));
    }
}

public sealed record Member(string Name, string Relation, decimal MonthlyIncome, decimal EmploymentCost,
    int? DisabilityGrade, string? DisabilityKind, bool SeriousIllness, int? Age)
{
    public static readonly Member Empty = new("", "self", 0, 0, null, null, false, null);

    /// <summary>Income after necessary employment costs, never below zero.</summary>
    public decimal NetIncome => Math.Max(0, MonthlyIncome - EmploymentCost);
    public bool SevereDisability => DisabilityGrade is 1 or 2;

    public static Member From(JsonObject m)
    {
        decimal Money(string name) => m[name] is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : 0m;
        int? Int(string name) => m[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
        return new Member(
            m["name"]?.GetValue<string>() ?? "", m["relation"]?.GetValue<string>() ?? "", Money("monthlyIncome"),
            Money("employmentCost"), Int("disabilityGrade"), m["disabilityKind"]?.GetValue<string>(),
            m["seriousIllness"] is JsonValue s && s.GetValue<bool>(), Int("age"));
    }
}
