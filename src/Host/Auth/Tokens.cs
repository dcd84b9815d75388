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
/// once and kept in the database, so every host sharing that database accepts the same tokens. It is loaded
/// at start (<see cref="LoadKeyAsync"/>), before the first request.
/// </summary>
public sealed class Tokens(IConfiguration configuration, TimeProvider clock)
{
    public const string Issuer = "workflows";
    public const string RegionClaim = "region";
    public const string StampClaim = "stamp";
    private const string StoredKeyName = "auth.signing-key";
    private readonly TimeSpan _lifetime = TimeSpan.FromMinutes(configuration.GetValue("Auth:TokenMinutes", 480));
    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("The signing key is loaded at start (Tokens.LoadKeyAsync).");

    public (string Token, DateTimeOffset ExpiresAt) Issue(UserRecord user)
    {
        var now = clock.GetUtcNow();
        var expires = now + _lifetime;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Username),
            new(ClaimTypes.Name, user.Username),
            new(RegionClaim, user.RegionCode),
            new(StampClaim, user.Stamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange(user.RoleList.Select(r => new Claim(ClaimTypes.Role, r)));
        var token = new JwtSecurityToken(Issuer, Issuer, claims, now.UtcDateTime, expires.UtcDateTime,
            new SigningCredentials(Key, SecurityAlgorithms.HmacSha256));
        return (new JwtSecurityTokenHandler().WriteToken(token), expires);
    }

    /// <summary>The user's stamp the token was issued with; tokens from before stamps existed carry none, which reads as
    /// 0, the stamp of a user never changed since.</summary>
    public static int StampOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(StampClaim), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var stamp) ? stamp : 0;

    public async Task LoadKeyAsync(WorkflowDb db, CancellationToken ct = default)
    {
        if (configuration["Auth:SigningKey"] is { Length: >= 32 } configured)
        {
            _key = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(configured));
            return;
        }
        var stored = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == StoredKeyName, ct);
        if (stored is null)
        {
            db.Settings.Add(new SettingRecord { Key = StoredKeyName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { /* another host stored one first; use theirs */ }
            stored = await db.Settings.AsNoTracking().FirstAsync(s => s.Key == StoredKeyName, ct);
        }
        _key = new SymmetricSecurityKey(Convert.FromBase64String(stored.Value));
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
