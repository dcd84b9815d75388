using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Workflows.Host.Setup;

/// <summary>
/// The routes anyone can call without an account are limited per client address (ASP.NET Core's rate limiter): sign-in
/// (<c>RateLimits:LoginPerMinute</c>, 20 — guessing passwords) and the public notices (<c>RateLimits:PublicPerMinute</c>,
/// 120 — scraping the lists) and objections to a notice (<c>RateLimits:ObjectionsPerHour</c>, 10 — one address flooding a
/// township's verifiers). Past the limit: 429 with Retry-After, as a problem document.
/// </summary>
public static class RateLimits
{
    public const string Login = "login";
    public const string Public = "public";
    public const string Objections = "objections";

    public static void AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var login = configuration.GetValue("RateLimits:LoginPerMinute", 20);
        var publicRoutes = configuration.GetValue("RateLimits:PublicPerMinute", 120);
        var objections = configuration.GetValue("RateLimits:ObjectionsPerHour", 10);
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Login, http => PerClient(http, Login, login));
            options.AddPolicy(Public, http => PerClient(http, Public, publicRoutes));
            options.AddPolicy(Objections, http => PerClient(http, Objections, objections, TimeSpan.FromHours(1)));
            options.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(title: "Too many requests", statusCode: StatusCodes.Status429TooManyRequests,
                    detail: $"请求过于频繁，请 {seconds} 秒后再试 (too many requests from this address; try again in {seconds} s)").ExecuteAsync(http);
            };
        });
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, string policy, int permits, TimeSpan? window = null) =>
        RateLimitPartition.GetFixedWindowLimiter($"{policy}:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = window ?? TimeSpan.FromMinutes(1), QueueLimit = 0,
        });
}
