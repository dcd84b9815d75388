using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Workflows.Access;
using Workflows.Persistence;

namespace Workflows.Host.Auth;

/// <summary>
/// Signs and checks access tokens. The key is Auth:SigningKey when configured; otherwise one is generated
/// once and kept in the database, so every host sharing that database accepts the same tokens.
/// </summary>
public sealed class Tokens(IConfiguration configuration, Func<WorkflowDb> openDb, TimeProvider clock)
{
    public const string Issuer = "workflows";
    public const string RegionClaim = "region";
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => LoadKey(configuration, openDb));
    private readonly TimeSpan _lifetime = TimeSpan.FromMinutes(configuration.GetValue("Auth:TokenMinutes", 480));

    public SymmetricSecurityKey Key => _key.Value;

    public (string Token, DateTimeOffset ExpiresAt) Issue(UserRecord user)
    {
        var now = clock.GetUtcNow();
        var expires = now + _lifetime;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Username),
            new(ClaimTypes.Name, user.Username),
            new(RegionClaim, user.RegionCode),
        };
        claims.AddRange(user.RoleList.Select(r => new Claim(ClaimTypes.Role, r)));
        var token = new JwtSecurityToken(Issuer, Issuer, claims, now.UtcDateTime, expires.UtcDateTime,
            new SigningCredentials(Key, SecurityAlgorithms.HmacSha256));
        return (new JwtSecurityTokenHandler().WriteToken(token), expires);
    }

    private static SymmetricSecurityKey LoadKey(IConfiguration configuration, Func<WorkflowDb> openDb)
    {
        if (configuration["Auth:SigningKey"] is { Length: >= 32 } configured)
            return new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(configured));
        using var db = openDb();
        const string name = "auth.signing-key";
        var stored = db.Settings.AsNoTracking().FirstOrDefault(s => s.Key == name);
        if (stored is null)
        {
            db.Settings.Add(new SettingRecord { Key = name, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) });
            try { db.SaveChanges(); }
            catch (DbUpdateException) { /* another host stored one first; use theirs */ }
            stored = db.Settings.AsNoTracking().First(s => s.Key == name);
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(stored.Value));
    }
}

public static class ActorExtensions
{
    /// <summary>The caller as the engine sees them, from their token.</summary>
    public static Actor Actor(this ClaimsPrincipal user) => new(
        user.Identity?.Name ?? throw new InvalidOperationException("No authenticated user"),
        user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(),
        user.FindFirstValue(Tokens.RegionClaim) ?? throw new InvalidOperationException("Token has no region"));
}
