namespace Workflows.Access;

/// <summary>The roles of API.md; one list, used by the validator, the API and the token.</summary>
public static class Roles
{
    public const string VillageCaseworker = "village-caseworker";
    public const string TownshipOfficer = "township-officer";
    public const string TownshipApprover = "township-approver";
    public const string CountyOfficer = "county-officer";
    public const string CountyApprover = "county-approver";
    public const string CommitteeMember = "committee-member";
    public const string FinanceOfficer = "finance-officer";
    public const string EmergencyResponder = "emergency-responder";
    public const string ProvinceAdmin = "province-admin";
    public const string SystemAdmin = "system-admin";

    public static readonly string[] All =
    [
        VillageCaseworker, TownshipOfficer, TownshipApprover, CountyOfficer, CountyApprover,
        CommitteeMember, FinanceOfficer, EmergencyResponder, ProvinceAdmin, SystemAdmin,
    ];

    /// <summary>Roles that accept applications at the single window (一门受理) and so may start cases.</summary>
    public static readonly string[] CaseIntake =
    [
        VillageCaseworker, TownshipOfficer, TownshipApprover, CountyOfficer, CountyApprover, EmergencyResponder, SystemAdmin,
    ];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>Who is acting: a user's name, roles and the region they may act in (prefix match).</summary>
public sealed record Actor(string Username, IReadOnlyList<string> Roles, string RegionCode)
{
    public static readonly Actor System = new("system", [], "");
    /// <summary>Anyone reading the public notice board, without an account.</summary>
    public static readonly Actor Public = new("public", [], "");

    public bool Has(string role) => Roles.Contains(role);
    public bool Covers(string regionCode) => regionCode.StartsWith(RegionCode, StringComparison.Ordinal);
}
