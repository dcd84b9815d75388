using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Workflows.Host.Setup;

/// <summary>
/// The routes anyone can call without an account are limited per client address (ASP.NET Core's rate limiter): sign-in
/// (<c>RateLimits:LoginPerMinute</c>, 20 — guessing passwords) and the public notices (<c>RateLimits:PublicPerMinute</c>,
/// 120 — scraping the lists). Past the limit: 429 with Retry-After, as a problem document.
/// </summary>
public static class RateLimits
{
    public const string Login = "login";
    public const string Public = "public";

    public static void AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var login = configuration.GetValue("RateLimits:LoginPerMinute", 20);
        var publicRoutes = configuration.GetValue("RateLimits:PublicPerMinute", 120);
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Login, http => PerClient(http, Login, login));
            options.AddPolicy(Public, http => PerClient(http, Public, publicRoutes));
            options.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "60";
                await Results.Problem(title: "Too many requests", statusCode: StatusCodes.Status429TooManyRequests,
                    detail: "请求过于频繁，请一分钟后再试 (too many requests from this address; try again in a minute)").ExecuteAsync(http);
            };
        });
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, string policy, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter($"{policy}:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        });
}
