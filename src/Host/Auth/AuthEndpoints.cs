using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Persistence;

namespace Workflows.Host.Auth;

public static class AuthEndpoints
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record UserView(string Username, string DisplayName, string[] Roles, string RegionCode, bool Disabled);
    public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, UserView User);

    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> (
            TokenRequest request, WorkflowDb db, Tokens tokens, PasswordHasher<UserRecord> hasher, CancellationToken ct) =>
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == request.Username, ct);
            if (user is null || request.Password is null
                || hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password) == PasswordVerificationResult.Failed)
                return TypedResults.Problem(title: "Invalid credentials", detail: "用户名或密码错误 (wrong username or password)",
                    statusCode: StatusCodes.Status401Unauthorized);
            if (user.Disabled)
                return TypedResults.Problem(title: "User disabled", detail: "账户已停用，请联系管理员 (this user is disabled)",
                    statusCode: StatusCodes.Status401Unauthorized);
            var (token, expires) = tokens.Issue(user);
            return TypedResults.Ok(new TokenResponse(token, expires, View(user)));
        }).AllowAnonymous().RequireRateLimiting(Setup.RateLimits.Login).WithTags("Auth");
    }

    public static UserView View(UserRecord user) => new(user.Username, user.DisplayName, user.RoleList, user.RegionCode, user.Disabled);
}
