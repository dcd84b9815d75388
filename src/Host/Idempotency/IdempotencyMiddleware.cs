using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Workflows.Persistence;

namespace Workflows.Host.Idempotency;

/// <summary>
/// Honours Idempotency-Key on POSTs (API.md, Conventions): the first request with a key runs and its
/// response is kept; a retry with the same key and body gets that response again and changes nothing;
/// the same key with another body is refused. The key is reserved before the request runs, so two
/// retries racing each other cannot both execute. The request's own changes mark the key executed in their
/// transaction, so a retry after a crash between that commit and keeping the response is refused rather than
/// run twice (a second case, a second payment). Server errors before anything was committed free the key for a
/// genuine retry. Only a signed-in caller's key is kept (an anonymous request writes nothing, and so no sign-in's token is
/// ever kept), and only for <see cref="Retention"/>: the common promise of 24 hours, after which the key may be used anew.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const string Header = "Idempotency-Key";
    /// <summary>How long a reserved key that neither executed nor answered is taken to be still running; after that its
    /// host is taken to have died with it, and a retry runs it (Idempotency:InProgressSeconds, 120). Longer than the
    /// slowest request, or a retry would run beside it.</summary>
    private readonly TimeSpan _inProgressExpiry = TimeSpan.FromSeconds(configuration.GetValue("Idempotency:InProgressSeconds", 120.0));
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async Task InvokeAsync(HttpContext http, Func<WorkflowDb> openDb)
    {
        var key = http.Request.Headers[Header].FirstOrDefault();
        if (!HttpMethods.IsPost(http.Request.Method) || string.IsNullOrEmpty(key)
            || !http.Request.Path.StartsWithSegments("/api") || http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }
        if (key.Length > 200)
        {
            await Results.Problem(title: "Idempotency-Key too long", detail: "at most 200 characters", statusCode: 422).ExecuteAsync(http);
            return;
        }
        var username = http.User.Identity!.Name ?? "";
        var hash = await HashAsync(http.Request);
        if (!await ReserveAsync(openDb, key, username, hash, http)) return;
        MarkExecutedWithTheRequestsChanges(http.RequestServices.GetRequiredService<WorkflowDb>(), key, username);

        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        var completed = false;
        try
        {
            await next(http);
            completed = http.Response.StatusCode < 500;
        }
        finally
        {
            http.Response.Body = original;
            await using var db = openDb();
            var record = await db.IdempotencyKeys.FirstAsync(r => r.Key == key && r.Username == username);
            if (completed)
            {
                record.Completed = true;
                record.StatusCode = http.Response.StatusCode;
                record.ContentType = http.Response.ContentType;
                record.ResponseBody = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }
            else if (!record.Executed) db.IdempotencyKeys.Remove(record);
            await db.SaveChangesAsync();
            buffer.Position = 0;
            await buffer.CopyToAsync(original);
        }
    }

    /// <summary>True when this request may run; false when a response was already written (replay or refusal).</summary>
    private async Task<bool> ReserveAsync(Func<WorkflowDb> openDb, string key, string username, string hash, HttpContext http)
    {
        await using var db = openDb();
        var now = DateTime.UtcNow; // wall time on purpose: the expiry of a dead attempt is not a business date
        var existing = await db.IdempotencyKeys.FirstOrDefaultAsync(r => r.Key == key && r.Username == username);
        if (existing is not null && now - existing.CreatedAt > Retention)
        {
            // Expired (the purge had not come round yet): the key is free again.
            db.IdempotencyKeys.Remove(existing);
            await db.SaveChangesAsync();
            existing = null;
        }
        if (existing is null)
        {
            db.IdempotencyKeys.Add(new IdempotencyRecord { Key = key, Username = username, RequestHash = hash, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync();
                return true;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                await Results.Problem(title: "Request in progress", statusCode: 409,
                    detail: "A request with this Idempotency-Key is being processed; retry shortly.").ExecuteAsync(http);
                return false;
            }
        }
        if (existing.RequestHash != hash)
        {
            await Results.Problem(title: "Idempotency-Key reused", statusCode: 422,
                detail: "This Idempotency-Key was used for a different request.").ExecuteAsync(http);
            return false;
        }
        if (!existing.Completed)
        {
            if (existing.Executed)
            {
                await Results.Problem(title: "Request already carried out", statusCode: 409,
                    detail: "A request with this Idempotency-Key was carried out but its response was lost; read the current state instead of retrying.")
                    .ExecuteAsync(http);
                return false;
            }
            if (now - existing.CreatedAt < _inProgressExpiry)
            {
                await Results.Problem(title: "Request in progress", statusCode: 409,
                    detail: "A request with this Idempotency-Key is being processed; retry shortly.").ExecuteAsync(http);
                return false;
            }
            existing.CreatedAt = now; // the first attempt died mid-way; this one takes over
            await db.SaveChangesAsync();
            return true;
        }
        http.Response.StatusCode = existing.StatusCode;
        if (existing.ContentType is not null) http.Response.ContentType = existing.ContentType;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        await http.Response.WriteAsync(existing.ResponseBody ?? "");
        return false;
    }

    /// <summary>The request's database context saves "executed" with whatever the request changes, in the same
    /// transaction; a request that changes nothing leaves it unset.</summary>
    private static void MarkExecutedWithTheRequestsChanges(WorkflowDb requestDb, string key, string username)
    {
        var mark = new IdempotencyRecord { Key = key, Username = username };
        requestDb.IdempotencyKeys.Attach(mark);
        mark.Executed = true;
    }

    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        sha.AppendData(body.ToArray());
        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
