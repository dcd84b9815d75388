using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Access;
using Workflows.Persistence;

namespace Workflows.Host.Audit;

/// <summary>
/// Records every change an administrator makes (users, regions, standards, calendars, definitions, timers) as an
/// <see cref="AdminActionRecord"/> added to the request's own unit of work before the handler runs: it commits with the
/// change, and a refused change leaves no record. The body is kept with its passwords removed.
/// </summary>
public sealed class AdminActionLog(WorkflowDb db, TimeProvider clock) : IEndpointFilter
{
    private const int MaxDetails = 8 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || http.User.Identity?.Name is not { } username) return await next(context);
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern;
        db.AdminActions.Add(new AdminActionRecord
        {
            At = clock.GetUtcNow().UtcDateTime,
            Username = username,
            Action = $"{http.Request.Method} {route?.RawText ?? http.Request.Path}",
            Target = string.Join('&', http.Request.RouteValues.Select(v => $"{v.Key}={v.Value}")) + http.Request.QueryString.Value,
            DetailsJson = DetailsOf(context.Arguments),
        });
        return await next(context);
    }

    private static string? DetailsOf(IList<object?> arguments)
    {
        var body = arguments.FirstOrDefault(a => a is JsonElement || (a is not null && a.GetType().IsClass && a.GetType().Namespace?.StartsWith("Workflows") == true
                                                                   && a.GetType().Name.EndsWith("Body", StringComparison.Ordinal)));
        if (body is null) return null;
        JsonNode? node;
        try
        {
            node = JsonSerializer.SerializeToNode(body, JsonSerializerOptions.Web);
            Redact(node);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
        {
            return null; // a body the handler will refuse anyway; the action's route and target are still recorded
        }
        var json = node?.ToJsonString();
        return json is { Length: <= MaxDetails } ? json : null;
    }

    private static void Redact(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in o.Select(p => p.Key).Where(k => k.Contains("password", StringComparison.OrdinalIgnoreCase)).ToList())
                o[name] = "***";
            foreach (var (_, child) in o) Redact(child);
        }
        else if (node is JsonArray a) foreach (var child in a) Redact(child);
    }
}
