using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Host.Setup;
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
    public sealed record Imported(string Key, bool Valid, IReadOnlyList<DefinitionError> Errors, int Revision);
    /// <summary>The words a definition may use, so the designer offers exactly what the validator accepts.</summary>
    public sealed record Vocabulary(IReadOnlyList<string> Kinds, IReadOnlyList<string> Roles, IReadOnlyList<string> Levels,
        IReadOnlyList<string> TimeoutActions, IReadOnlyList<string> Actions, IReadOnlyList<string> Rules,
        IReadOnlyList<string> EndStatuses, int MaxDeadlineWorkingDays, int MaxNoticeWorkingDays, int MaxTimerWorkingDays);

    public static void MapDefinitions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions").WithTags("Definitions").RequireAuthorization()
            .AddEndpointFilter<Workflows.Host.Audit.AdminActionLog>()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(RequestSizes.DefinitionBytes));

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
            TypedResults.Ok(DefinitionValidator.Validate(await ReadDefinitionAsync(request, request.HttpContext.RequestAborted))));

        group.MapPut("/{key}/draft", async (string key, string? region, HttpRequest request, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var code = region ?? "";
            var actor = http.User.Actor();
            Authorise.Administers(actor, code, "region");
            var json = await ReadDefinitionAsync(request, ct);
            CheckIdentity(json, key, code);
            return TypedResults.Ok(await SaveDraftAsync(db, key, code, json, request.Headers.IfMatch.FirstOrDefault(), actor, clock, http, ct));
        });

        group.MapGet("/{key}/draft", async (string key, string? region, HttpContext http, WorkflowDb db, CancellationToken ct) =>
        {
            var code = region ?? "";
            var draft = await db.DefinitionDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Key == key && d.RegionCode == code, ct)
                ?? throw new NotFoundProblem($"No draft of '{key}' for region '{code}'.");
            http.Response.Headers.ETag = $"\"{draft.Revision}\"";
            return TypedResults.Text(draft.Json, "application/json");
        });

        // Import: a file exported here or by another province becomes this region's draft. Unlike a draft being
        // edited, a file that is not a definition at all is refused, with the reason.
        group.MapPost("/import", async (string? region, HttpRequest request, HttpContext http, WorkflowDb db,
            TimeProvider clock, CancellationToken ct) =>
        {
            var code = region ?? "";
            var actor = http.User.Actor();
            Authorise.Administers(actor, code, "region");
            var definition = ParseImport(await ReadDefinitionAsync(request, ct));
            var key = definition["key"]!.GetValue<string>();
            definition["regionCode"] = code;
            definition.Remove("version");
            definition.Remove("publishedAt");
            definition.Remove("revision");
            var saved = await SaveDraftAsync(db, key, code, definition.ToJsonString(), request.Headers.IfMatch.FirstOrDefault(), actor, clock, http, ct);
            return TypedResults.Ok(new Imported(key, saved.Valid, saved.Errors, saved.Revision));
        });

        group.MapGet("/{key}/export", async (string key, string? region, int? version, WorkflowDb db, CancellationToken ct) =>
        {
            var code = region ?? "";
            var versions = db.DefinitionVersions.AsNoTracking().Where(v => v.Key == key && v.RegionCode == code);
            var record = await (version is { } n ? versions.Where(v => v.Version == n) : versions.OrderByDescending(v => v.Version))
                .FirstOrDefaultAsync(ct) ?? throw new NotFoundProblem($"No published version of '{key}' for region '{code}'.");
            var file = $"{key}{(code == "" ? "" : "-" + code)}-v{record.Version}.json";
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(record.Json), "application/json", file);
        });

        group.MapGet("/vocabulary", () => TypedResults.Ok(new Vocabulary(
            StepKinds.All, Roles.All, [.. Enum.GetValues<RegionLevel>().Where(l => l != RegionLevel.Country).Select(RegionCode.NameOf)], DefinitionValidator.TimeoutActions,
            StepActionNames.All, [.. Policies.PolicyRules.Names], DefinitionValidator.EndStatuses,
            DefinitionValidator.MaxDeadlineWorkingDays, DefinitionValidator.MaxNoticeWorkingDays, DefinitionValidator.MaxTimerWorkingDays)));

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

    /// <summary>
    /// Saves the draft, saved even when invalid. <c>If-Match</c> carries the revision the editor started from
    /// ("0": there was no draft), so two admins never silently overwrite each other.
    /// </summary>
    private static async Task<DraftSaved> SaveDraftAsync(WorkflowDb db, string key, string code, string json, string? ifMatch,
        Actor actor, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var report = DefinitionValidator.Validate(json);
        var draft = await db.DefinitionDrafts.FirstOrDefaultAsync(d => d.Key == key && d.RegionCode == code, ct);
        if (ifMatch?.Trim('"') is { } expected && expected != (draft?.Revision ?? 0).ToString())
            throw new ConflictProblem(draft is null
                ? "草稿已被发布或删除，请重新加载 (the draft was published meanwhile; reload)."
                : $"草稿已被 {draft.UpdatedBy} 修改（修订 {draft.Revision}），请重新加载 (the draft changed; reload).");
        if (draft is null) db.DefinitionDrafts.Add(draft = new DefinitionDraftRecord { Key = key, RegionCode = code });
        draft.Json = json;
        draft.Valid = report.Valid;
        draft.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        draft.UpdatedBy = actor.Username;
        draft.Revision++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw new ConflictProblem("草稿被同时修改，请重新加载 (the draft changed concurrently; reload)."); }
        http.Response.Headers.ETag = $"\"{draft.Revision}\"";
        return new DraftSaved(report.Valid, report.Errors, draft.Revision);
    }

    /// <summary>A definition's text as sent, without the read-only fields GET adds: saved as a draft even when invalid, but
    /// never larger than a definition may be, and never with a character the database cannot hold.</summary>
    private static async Task<string> ReadDefinitionAsync(HttpRequest request, CancellationToken ct)
    {
        var json = await new StreamReader(request.Body).ReadToEndAsync(ct);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > DefinitionValidator.MaxBytes)
            throw new InvalidInput("body", $"定义超过 {DefinitionValidator.MaxBytes / 1024} KB (a definition is at most {DefinitionValidator.MaxBytes / 1024} KB)");
        if (json.Contains('\0')) throw new InvalidInput("body", "不能含 U+0000 字符 (must not contain U+0000)");
        return DefinitionJson.WithoutReadOnlyFields(json);
    }

    private static readonly System.Text.Json.JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private static JsonObject ParseImport(string text)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text, documentOptions: Strict); }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidInput("file", $"不是有效的 JSON：第 {e.LineNumber + 1} 行附近 (not valid JSON: {e.Message})");
        }
        if (node is not JsonObject definition) throw new InvalidInput("file", "应为一个流程定义对象 (must be a definition object)");
        // Anything else may be wrong in a draft, but not what names it and makes it a procedure: the schema says
        // what a key and a list of steps look like.
        var errors = DefinitionValidator.Validate(text).Errors;
        if (errors.Any(e => e.Path == "key"))
            throw new InvalidInput("key", "缺少流程标识或格式不符（小写字母、数字、连字符） (missing or malformed procedure key)");
        if (errors.Any(e => e.Path == "steps")) throw new InvalidInput("steps", "缺少步骤列表 (the definition has no steps)");
        return definition;
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
        catch (ArgumentException) { /* a key given twice: the report says the JSON is not valid */ }
    }

    private static string? DraftName(DefinitionDraftRecord? draft)
    {
        try { return draft is null ? null : JsonNode.Parse(draft.Json)?["name"]?.GetValue<string>(); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException) { return null; }
    }

    private static JsonObject WithVersion(DefinitionVersionRecord record)
    {
        var json = JsonNode.Parse(record.Json)!.AsObject();
        json["version"] = record.Version;
        json["publishedAt"] = record.PublishedAt;
        return json;
    }
}
