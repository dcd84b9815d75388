using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Host.Definitions;

/// <summary>The designer's API (API.md, Definitions): read by every official, written by admins of the region.</summary>
public static class DefinitionEndpoints
{
    public sealed record DefinitionSummary(string Key, string RegionCode, string Name, int? PublishedVersion, DraftInfo? Draft);
    public sealed record DraftInfo(bool Valid, DateTime UpdatedAt, string UpdatedBy, int Revision);
    public sealed record VersionInfo(string Key, string RegionCode, int Version, string Name, DateTime PublishedAt, string PublishedBy);
    public sealed record DraftSaved(bool Valid, IReadOnlyList<DefinitionError> Errors, int Revision);
    public sealed record Published(int Version);

    public static void MapDefinitions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions").WithTags("Definitions").RequireAuthorization();

        group.MapGet("", async (WorkflowDb db, CancellationToken ct) =>
        {
            var versions = await db.DefinitionVersions.AsNoTracking()
                .GroupBy(v => new { v.Key, v.RegionCode })
                .Select(g => new { g.Key.Key, g.Key.RegionCode, Version = g.Max(v => v.Version) }).ToListAsync(ct);
            var names = await db.DefinitionVersions.AsNoTracking()
                .Select(v => new { v.Key, v.RegionCode, v.Version, v.Name }).ToListAsync(ct);
            var drafts = await db.DefinitionDrafts.AsNoTracking().ToListAsync(ct);
            var keys = versions.Select(v => (v.Key, v.RegionCode)).Union(drafts.Select(d => (d.Key, d.RegionCode)));
            return TypedResults.Ok(keys.OrderBy(k => k.Key).ThenBy(k => k.RegionCode).Select(k =>
            {
                var published = versions.FirstOrDefault(v => v.Key == k.Key && v.RegionCode == k.RegionCode)?.Version;
                var draft = drafts.FirstOrDefault(d => d.Key == k.Key && d.RegionCode == k.RegionCode);
                var name = names.FirstOrDefault(n => n.Key == k.Key && n.RegionCode == k.RegionCode && n.Version == published)?.Name
                    ?? DraftName(draft) ?? k.Key;
                return new DefinitionSummary(k.Key, k.RegionCode, name, published,
                    draft is null ? null : new DraftInfo(draft.Valid, draft.UpdatedAt, draft.UpdatedBy, draft.Revision));
            }).ToList());
        });

        group.MapGet("/{key}", async (string key, string? region, WorkflowDb db, DefinitionCatalog catalog, CancellationToken ct) =>
        {
            var code = region ?? "";
            if (!RegionCode.IsWellFormed(code)) throw new InvalidInput("region", "应为区划代码 (a region code)");
            var procedure = await catalog.ResolveAsync(db, key, code, ct)
                ?? throw new NotFoundProblem($"No definition '{key}' applies in region '{code}'.");
            return TypedResults.Ok(WithVersion(procedure.Version));
        });

        group.MapGet("/{key}/versions", async (string key, string? region, WorkflowDb db, CancellationToken ct) =>
        {
            var code = region ?? "";
            var versions = await db.DefinitionVersions.AsNoTracking().Where(v => v.Key == key && v.RegionCode == code)
                .OrderBy(v => v.Version)
                .Select(v => new VersionInfo(v.Key, v.RegionCode, v.Version, v.Name, v.PublishedAt, v.PublishedBy)).ToListAsync(ct);
            return TypedResults.Ok(versions);
        });

        group.MapGet("/{key}/versions/{version:int}", async (string key, int version, string? region, WorkflowDb db, CancellationToken ct) =>
        {
            var code = region ?? "";
            var record = await db.DefinitionVersions.AsNoTracking()
                .FirstOrDefaultAsync(v => v.Key == key && v.RegionCode == code && v.Version == version, ct)
                ?? throw new NotFoundProblem($"No version {version} of '{key}' for region '{code}'.");
            return TypedResults.Ok(WithVersion(record));
        });

        group.MapPost("/validate", async (HttpRequest request) =>
            TypedResults.Ok(DefinitionValidator.Validate(await new StreamReader(request.Body).ReadToEndAsync())));

        group.MapPut("/{key}/draft", async (string key, string? region, HttpRequest request, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var code = region ?? "";
            var actor = http.User.Actor();
            Authorise.Administers(actor, code, "region");
            var json = await new StreamReader(request.Body).ReadToEndAsync(ct);
            var report = DefinitionValidator.Validate(json);
            CheckIdentity(json, key, code);
            var draft = await db.DefinitionDrafts.FirstOrDefaultAsync(d => d.Key == key && d.RegionCode == code, ct);
            if (draft is null) db.DefinitionDrafts.Add(draft = new DefinitionDraftRecord { Key = key, RegionCode = code });
            else if (request.Headers.IfMatch.FirstOrDefault()?.Trim('"') is { } expected && expected != draft.Revision.ToString())
                throw new ConflictProblem($"草稿已被 {draft.UpdatedBy} 修改（修订 {draft.Revision}），请重新加载 (the draft changed; reload).");
            draft.Json = json;
            draft.Valid = report.Valid;
            draft.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            draft.UpdatedBy = actor.Username;
            draft.Revision++;
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { throw new ConflictProblem("草稿被同时修改，请重新加载 (the draft changed concurrently; reload)."); }
            http.Response.Headers.ETag = $"\"{draft.Revision}\"";
            return TypedResults.Ok(new DraftSaved(report.Valid, report.Errors, draft.Revision));
        });

        group.MapGet("/{key}/draft", async (string key, string? region, WorkflowDb db, CancellationToken ct) =>
        {
            var code = region ?? "";
            var draft = await db.DefinitionDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Key == key && d.RegionCode == code, ct)
                ?? throw new NotFoundProblem($"No draft of '{key}' for region '{code}'.");
            return TypedResults.Text(draft.Json, "application/json");
        });

        group.MapPost("/{key}/publish", async (string key, string? region, HttpContext http, WorkflowDb db,
            DefinitionCatalog catalog, TimeProvider clock, CancellationToken ct) =>
        {
            var code = region ?? "";
            var actor = http.User.Actor();
            Authorise.Administers(actor, code, "region");
            var draft = await db.DefinitionDrafts.FirstOrDefaultAsync(d => d.Key == key && d.RegionCode == code, ct)
                ?? throw new NotFoundProblem($"No draft of '{key}' for region '{code}' to publish.");
            db.DefinitionDrafts.Remove(draft);
            var version = await catalog.PublishAsync(db, draft.Json, actor.Username, clock.GetUtcNow().UtcDateTime, ct);
            return TypedResults.Ok(new Published(version.Version));
        });
    }

    private static void CheckIdentity(string json, string key, string region)
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject;
            var errors = new FieldErrors();
            if (node?["key"]?.GetValue<string>() is { } k && k != key) errors.Add("key", $"与地址中的 '{key}' 不一致 (does not match the URL)");
            if (node?["regionCode"]?.GetValue<string>() is { } r && r != region) errors.Add("regionCode", $"与地址中的 '{region}' 不一致 (does not match ?region)");
            errors.ThrowIfAny();
        }
        catch (System.Text.Json.JsonException) { /* unparsable drafts are still saved; the report says why */ }
        catch (InvalidOperationException) { /* key of the wrong type: the schema report names it */ }
    }

    private static string? DraftName(DefinitionDraftRecord? draft)
    {
        try { return draft is null ? null : JsonNode.Parse(draft.Json)?["name"]?.GetValue<string>(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { return null; }
    }

    private static JsonObject WithVersion(DefinitionVersionRecord record)
    {
        var json = JsonNode.Parse(record.Json)!.AsObject();
        json["version"] = record.Version;
        json["publishedAt"] = record.PublishedAt;
        return json;
    }
}
