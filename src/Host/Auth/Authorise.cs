using Workflows.Access;
using Workflows.Runtime;

namespace Workflows.Host.Auth;

/// <summary>Role and region checks shared by the endpoints; each throws the problem API.md names.</summary>
public static class Authorise
{
    public static void Role(Actor actor, params string[] roles)
    {
        if (!roles.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", roles)} (requires one of these roles).");
    }

    /// <summary>403 naming the field when a region lies outside the caller's jurisdiction.</summary>
    public static void Covers(Actor actor, string regionCode, string field)
    {
        if (!actor.Covers(regionCode))
            throw new ForbiddenProblem($"{field} {regionCode} 不在您的辖区 {actor.RegionCode} 内 (outside your jurisdiction).");
    }

    /// <summary>Administrators of regions: system admins, and province admins inside their province.</summary>
    public static void Administers(Actor actor, string regionCode, string field)
    {
        Role(actor, Roles.SystemAdmin, Roles.ProvinceAdmin);
        if (!actor.Has(Roles.SystemAdmin)) Covers(actor, regionCode, field);
    }
}
