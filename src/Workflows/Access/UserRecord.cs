namespace Workflows.Access;

public sealed class UserRecord
{
    public long Id { get; set; }
    public string Username { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string RegionCode { get; set; } = "";
    /// <summary>Comma-separated role names.</summary>
    public string Roles { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>A disabled user can neither sign in nor use a token issued before.</summary>
    public bool Disabled { get; set; }
    /// <summary>Moves on every change of roles, region, password or status. A token carries the stamp it was issued with;
    /// one whose stamp is no longer the user's is refused on its next request, on every host.</summary>
    public int Stamp { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public string[] RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
    public Actor ToActor() => new(Username, RoleList, RegionCode);
}
