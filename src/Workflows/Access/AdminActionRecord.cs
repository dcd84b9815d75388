namespace Workflows.Access;

/// <summary>What an administrator changed — users, regions, standards, calendars, definitions, timers — with who and
/// when; written in the change's own transaction, so a change without its record cannot be committed.</summary>
public sealed class AdminActionRecord
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Username { get; set; } = "";
    /// <summary>The route as declared (<c>PATCH /api/admin/users/{username}</c>).</summary>
    public string Action { get; set; } = "";
    /// <summary>The route's values (<c>username=li</c>): what was changed.</summary>
    public string Target { get; set; } = "";
    /// <summary>The request's body with every password left out; null for a body too large to keep (a definition).</summary>
    public string? DetailsJson { get; set; }
}
