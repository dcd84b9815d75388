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

    public string[] RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
    public Actor ToActor() => new(Username, RoleList, RegionCode);
}
