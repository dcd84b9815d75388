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

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization();
        group.MapPost("/regions", CreateRegion);
        group.MapGet("/regions/{code}", GetRegion);
        group.MapPut("/regions/{code}/standards", SetStandard);
        group.MapGet("/regions/{code}/standards", GetStandards);
        group.MapPost("/users", CreateUser);
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
        else if (value <= 0 || decimal.Round(value.Value, 2) != value)
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
        if (body.Roles is not { Length: > 0 }) errors.Add("roles", "至少一个角色 (at least one role)");
        foreach (var role in body.Roles ?? [])
            if (!Roles.IsKnown(role)) errors.Add("roles", $"未知角色 '{role}' (unknown role)");
        var region = body.RegionCode ?? "";
        if (!RegionCode.IsWellFormed(region)) errors.Add("regionCode", "应为区划代码，或 \"\" 表示全国 (a region code, or \"\" for the country)");
        errors.ThrowIfAny();

        var actor = http.User.Actor();
        Authorise.Administers(actor, region, "regionCode");
        if (!actor.Has(Roles.SystemAdmin) && body.Roles!.Contains(Roles.SystemAdmin))
            throw new ForbiddenProblem("Only a system admin may create system admins.");
        if (region.Length > 0 && !await db.Regions.AnyAsync(r => r.Code == region, ct))
            throw new InvalidInput("regionCode", $"未知的区划代码 {region} (unknown region)");
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
}
