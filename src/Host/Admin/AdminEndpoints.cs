using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Host.Auth;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Host.Admin;

/// <summary>Regions, their effective-dated MLG standards, and users (API.md, Auth and administration).</summary>
public static class AdminEndpoints
{
    public sealed record RegionBody(string? Code, string? Name);
    public sealed record RegionView(string Code, string Name, string? ParentCode, string Level);
    public sealed record StandardBody(decimal? UrbanMonthly, decimal? RuralMonthly, DateOnly? EffectiveFrom);
    public sealed record StandardView(string RegionCode, decimal UrbanMonthly, decimal RuralMonthly, DateOnly EffectiveFrom);
    public sealed record StandardsView(string RegionCode, StandardView? Current, StandardView[] History);
    public sealed record UserBody(string? Username, string? Password, string? DisplayName, string[]? Roles, string? RegionCode);
    public sealed record UserChangeBody(string[]? Roles, string? RegionCode, string? DisplayName, bool? Disabled);
    public sealed record PasswordBody(string? Password);

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization()
            .AddEndpointFilter<Workflows.Host.Audit.AdminActionLog>();
        group.MapPost("/regions", CreateRegion);
        group.MapGet("/regions/{code}", GetRegion);
        group.MapPut("/regions/{code}/standards", SetStandard);
        group.MapGet("/regions/{code}/standards", GetStandards);
        group.MapPost("/users", CreateUser);
        group.MapGet("/users", ListUsers);
        group.MapGet("/users/{username}", GetUser);
        group.MapPatch("/users/{username}", ChangeUser);
        group.MapPost("/users/{username}/password", SetPassword);

        // Region names for everyone signed in: an official reads 永吉街道, not 220102001.
        app.MapGet("/api/regions", ListRegions).WithTags("Administration").RequireAuthorization();
    }

    public const int MaxRegions = 20_000;

    /// <summary>The regions under <paramref name="under"/> (the caller's own region when absent or outside it), with the
    /// caller's region and those above it, so every code the caller meets has its name.</summary>
    private static async Task<Ok<RegionView[]>> ListRegions(string? under, HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        var scope = under is { Length: > 0 } && under.StartsWith(actor.RegionCode, StringComparison.Ordinal) ? under : actor.RegionCode;
        var above = RegionCode.SelfAndAncestors(actor.RegionCode).ToList();
        // A country or a large province holds more villages than a page can use: the deepest levels that stay within
        // MaxRegions are given, and a client asks for the rest below a region as it opens it (?under=).
        var below = db.Regions.AsNoTracking().Where(r => r.Code.StartsWith(scope));
        var depth = 12;
        foreach (var length in new[] { 12, 9, 6, 4, 2 })
        {
            depth = length;
            if (length <= scope.Length + 2 || await below.CountAsync(r => r.Code.Length <= length, ct) <= MaxRegions) break;
        }
        var regions = await db.Regions.AsNoTracking()
            .Where(r => (r.Code.StartsWith(scope) && r.Code.Length <= depth) || above.Contains(r.Code))
            .OrderBy(r => r.Code).Take(MaxRegions + above.Count).ToListAsync(ct);
        return TypedResults.Ok(regions.Select(View).ToArray());
    }

    /// <summary>The users the caller administers, in a region (default: the caller's), by region then name.</summary>
    private static async Task<Ok<AuthEndpoints.UserView[]>> ListUsers(string? regionCode, HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var actor = http.User.Actor();
        var scope = regionCode ?? actor.RegionCode;
        Authorise.Administers(actor, scope, "regionCode");
        var users = await db.Users.AsNoTracking().Where(u => u.RegionCode.StartsWith(scope)).OrderBy(u => u.RegionCode).ThenBy(u => u.Username)
            .Take(5_000).ToListAsync(ct);
        return TypedResults.Ok(users.Where(u => actor.Has(Roles.SystemAdmin) || !u.RoleList.Contains(Roles.SystemAdmin))
            .Select(AuthEndpoints.View).ToArray());
    }

    private static async Task<Created<RegionView>> CreateRegion(RegionBody body, HttpContext http, WorkflowDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = body.Code ?? "";
        if (!RegionCode.IsWellFormed(code) || code.Length == 0)
            errors.Add("code", "应为 2、4、6、9 或 12 位数字的区划代码 (a 2, 4, 6, 9 or 12 digit code)");
        if (string.IsNullOrWhiteSpace(body.Name)) errors.Add("name", "必填 (required)");
        errors.ThrowIfAny();
        Authorise.Administers(http.User.Actor(), code, "code");
        var parent = RegionCode.ParentOf(code);
        if (parent is { Length: > 0 } && !await db.Regions.AnyAsync(r => r.Code == parent, ct))
            throw new InvalidInput("code", $"上级区划 {parent} 不存在，请先创建 (parent region {parent} does not exist)");
        if (await db.Regions.AnyAsync(r => r.Code == code, ct)) throw new ConflictProblem($"区划 {code} 已存在 (region exists).");
        var region = new RegionRecord { Code = code, Name = body.Name!.Trim(), ParentCode = parent is { Length: > 0 } ? parent : null };
        db.Regions.Add(region);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/admin/regions/{code}", View(region));
    }

    private static async Task<Ok<RegionView>> GetRegion(string code, WorkflowDb db, CancellationToken ct) =>
        TypedResults.Ok(View(await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code, ct)
            ?? throw new NotFoundProblem($"No region {code}.")));

    private static RegionView View(RegionRecord r) => new(r.Code, r.Name, r.ParentCode, RegionCode.NameOf(RegionCode.LevelOf(r.Code)));

    private static async Task<Ok<StandardsView>> SetStandard(string code, StandardBody body, HttpContext http, WorkflowDb db,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        CheckMoney(body.UrbanMonthly, "urbanMonthly", errors);
        CheckMoney(body.RuralMonthly, "ruralMonthly", errors);
        if (body.EffectiveFrom is null) errors.Add("effectiveFrom", "必填，YYYY-MM-DD (required)");
        errors.ThrowIfAny();
        var actor = http.User.Actor();
        Authorise.Administers(actor, code, "regionCode");
        if (!await db.Regions.AnyAsync(r => r.Code == code, ct)) throw new NotFoundProblem($"No region {code}.");
        var row = await db.Standards.FirstOrDefaultAsync(s => s.RegionCode == code && s.EffectiveFrom == body.EffectiveFrom, ct);
        if (row is null) db.Standards.Add(row = new StandardRecord { RegionCode = code, EffectiveFrom = body.EffectiveFrom!.Value });
        row.UrbanMonthlyFen = Money.ToFen(body.UrbanMonthly!.Value);
        row.RuralMonthlyFen = Money.ToFen(body.RuralMonthly!.Value);
        row.CreatedAt = clock.GetUtcNow().UtcDateTime;
        row.CreatedBy = actor.Username;
        await db.SaveChangesAsync(ct);
        return await GetStandards(code, db, clock, ct);
    }

    private static async Task<Ok<StandardsView>> GetStandards(string code, WorkflowDb db, TimeProvider clock, CancellationToken ct)
    {
        var history = (await db.Standards.AsNoTracking().Where(s => s.RegionCode == code).ToListAsync(ct))
            .OrderBy(s => s.EffectiveFrom).Select(View).ToArray();
        var today = Workflows.Calendar.WorkingDayCalendar.ChinaDate(clock.GetUtcNow().UtcDateTime);
        var current = await Standards.FindAsync(db, code, today, ct);
        return TypedResults.Ok(new StandardsView(code, current is null ? null : View(current), history));
    }

    private static StandardView View(StandardRecord s) =>
        new(s.RegionCode, Money.ToYuan(s.UrbanMonthlyFen), Money.ToYuan(s.RuralMonthlyFen), s.EffectiveFrom);

    private static void CheckMoney(decimal? value, string field, FieldErrors errors)
    {
        if (value is null) errors.Add(field, "必填 (required)");
        else if (!Money.IsAmount(value.Value))
            errors.Add(field, "应为大于 0、最多两位小数的金额（元）(a positive amount in yuan with at most 2 decimals)");
    }

    private static async Task<Created<AuthEndpoints.UserView>> CreateUser(UserBody body, HttpContext http, WorkflowDb db,
        PasswordHasher<UserRecord> hasher, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(body.Username) || !body.Username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            errors.Add("username", "必填，仅限字母、数字和 . - _ (required; letters, digits, . - _)");
        if (body.Password is not { Length: >= 8 }) errors.Add("password", "至少 8 个字符 (at least 8 characters)");
        if (string.IsNullOrWhiteSpace(body.DisplayName)) errors.Add("displayName", "必填 (required)");
        CheckRoles(body.Roles, errors);
        var region = body.RegionCode ?? "";
        CheckRegion(region, errors);
        errors.ThrowIfAny();

        var actor = http.User.Actor();
        Authorise.Administers(actor, region, "regionCode");
        if (!actor.Has(Roles.SystemAdmin) && body.Roles!.Contains(Roles.SystemAdmin))
            throw new ForbiddenProblem("Only a system admin may create system admins.");
        await RequireRegionAsync(db, region, ct);
        if (await db.Users.AnyAsync(u => u.Username == body.Username, ct))
            throw new ConflictProblem($"用户名 {body.Username} 已存在 (username taken).");
        var user = new UserRecord
        {
            Username = body.Username!, DisplayName = body.DisplayName!.Trim(), RegionCode = region,
            Roles = string.Join(',', body.Roles!.Distinct()), CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = hasher.HashPassword(user, body.Password!);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/admin/users/{user.Username}", AuthEndpoints.View(user));
    }

    private static void CheckRoles(string[]? roles, FieldErrors errors)
    {
        if (roles is not { Length: > 0 }) errors.Add("roles", "至少一个角色 (at least one role)");
        foreach (var role in roles ?? [])
            if (!Roles.IsKnown(role)) errors.Add("roles", $"未知角色 '{role}' (unknown role)");
    }

    private static void CheckRegion(string region, FieldErrors errors)
    {
        if (!RegionCode.IsWellFormed(region)) errors.Add("regionCode", "应为区划代码，或 \"\" 表示全国 (a region code, or \"\" for the country)");
    }

    private static async Task RequireRegionAsync(WorkflowDb db, string region, CancellationToken ct)
    {
        if (region.Length > 0 && !await db.Regions.AnyAsync(r => r.Code == region, ct))
            throw new InvalidInput("regionCode", $"未知的区划代码 {region} (unknown region)");
    }

    /// <summary>The user, if the caller administers them: a province admin their province's users, never a system admin.</summary>
    private static async Task<UserRecord> AdministeredUserAsync(string username, Actor actor, WorkflowDb db, CancellationToken ct)
    {
        Authorise.Role(actor, Roles.SystemAdmin, Roles.ProvinceAdmin);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct);
        if (user is null || (!actor.Has(Roles.SystemAdmin) && !actor.Covers(user.RegionCode)))
            throw new NotFoundProblem($"No user {username} in your jurisdiction.");
        if (!actor.Has(Roles.SystemAdmin) && user.RoleList.Contains(Roles.SystemAdmin))
            throw new ForbiddenProblem("Only a system admin may change a system admin.");
        return user;
    }

    private static async Task<Ok<AuthEndpoints.UserView>> GetUser(string username, HttpContext http, WorkflowDb db, CancellationToken ct) =>
        TypedResults.Ok(AuthEndpoints.View(await AdministeredUserAsync(username, http.User.Actor(), db, ct)));

    /// <summary>Roles, region, name or status changed (API.md): the change moves the user's stamp, so every token issued
    /// before it is refused from the next request on, and the user signs in again as they now are.</summary>
    private static async Task<Ok<AuthEndpoints.UserView>> ChangeUser(string username, UserChangeBody body, HttpContext http,
        WorkflowDb db, TimeProvider clock, Notifications.HubSessions sessions, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (body.Roles is not null) CheckRoles(body.Roles, errors);
        if (body.RegionCode is not null) CheckRegion(body.RegionCode, errors);
        if (body.DisplayName is not null && string.IsNullOrWhiteSpace(body.DisplayName)) errors.Add("displayName", "不能为空 (must not be blank)");
        errors.ThrowIfAny();
        var actor = http.User.Actor();
        var user = await AdministeredUserAsync(username, actor, db, ct);
        if (body.RegionCode is { } region)
        {
            Authorise.Administers(actor, region, "regionCode");
            await RequireRegionAsync(db, region, ct);
        }
        if (!actor.Has(Roles.SystemAdmin) && body.Roles?.Contains(Roles.SystemAdmin) == true)
            throw new ForbiddenProblem("Only a system admin may make system admins.");
        if (user.Username == actor.Username && (body.Disabled == true || body.Roles is not null || body.RegionCode is not null))
            throw new InvalidInput(body.Disabled == true ? "disabled" : body.Roles is not null ? "roles" : "regionCode",
                "不能停用或更改自己的权限，请由另一位管理员办理 (an admin cannot disable or re-scope themselves)");

        if (body.Roles is not null) user.Roles = string.Join(',', body.Roles.Distinct());
        (user.RegionCode, user.Disabled) = (body.RegionCode ?? user.RegionCode, body.Disabled ?? user.Disabled);
        if (body.DisplayName is { } name) user.DisplayName = name.Trim();
        user.Stamp++;
        (user.UpdatedAt, user.UpdatedBy) = (clock.GetUtcNow().UtcDateTime, actor.Username);
        await db.SaveChangesAsync(ct);
        sessions.End(user.Username);
        return TypedResults.Ok(AuthEndpoints.View(user));
    }

    private static async Task<NoContent> SetPassword(string username, PasswordBody body, HttpContext http, WorkflowDb db,
        PasswordHasher<UserRecord> hasher, TimeProvider clock, Notifications.HubSessions sessions, CancellationToken ct)
    {
        if (body.Password is not { Length: >= 8 }) throw new InvalidInput("password", "至少 8 个字符 (at least 8 characters)");
        var actor = http.User.Actor();
        var user = await AdministeredUserAsync(username, actor, db, ct);
        user.PasswordHash = hasher.HashPassword(user, body.Password);
        user.Stamp++; // whoever held the old password holds no token any more
        (user.UpdatedAt, user.UpdatedBy) = (clock.GetUtcNow().UtcDateTime, actor.Username);
        await db.SaveChangesAsync(ct);
        sessions.End(user.Username);
        return TypedResults.NoContent();
    }
}
