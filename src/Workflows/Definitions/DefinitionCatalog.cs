using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Definitions;

/// <summary>
/// Published definitions: which version applies where, publishing new ones, and the compiled form of each
/// version (compiled once per process; versions are immutable, so the cache never goes stale).
/// </summary>
public sealed class DefinitionCatalog(ILogger<DefinitionCatalog> logger)
{
    private readonly ConcurrentDictionary<long, CompiledProcedure> _compiled = new();

    /// <summary>The newest version published for the most specific region at or above <paramref name="regionCode"/>.</summary>
    public async Task<CompiledProcedure?> ResolveAsync(WorkflowDb db, string key, string regionCode, CancellationToken ct = default)
    {
        var regions = RegionCode.SelfAndAncestors(regionCode).ToList();
        // Only the id: the definition itself is read once per version and kept compiled.
        var versionId = await db.DefinitionVersions
            .Where(v => v.Key == key && regions.Contains(v.RegionCode))
            .OrderByDescending(v => v.RegionCode.Length).ThenByDescending(v => v.Version)
            .Select(v => (long?)v.Id)
            .FirstOrDefaultAsync(ct);
        return versionId is { } id ? await GetAsync(db, id, ct) : null;
    }

    public async Task<CompiledProcedure> GetAsync(WorkflowDb db, long versionId, CancellationToken ct = default)
    {
        if (_compiled.TryGetValue(versionId, out var compiled)) return compiled;
        var record = await db.DefinitionVersions.AsNoTracking().SingleAsync(v => v.Id == versionId, ct);
        return Compiled(record);
    }

    private CompiledProcedure Compiled(DefinitionVersionRecord record) =>
        _compiled.GetOrAdd(record.Id, _ => new CompiledProcedure(record, DefinitionJson.Parse(record.Json)));

    /// <summary>Publishes a definition as the next numbered version of its key and region. Invalid → 422 with the errors.</summary>
    public async Task<DefinitionVersionRecord> PublishAsync(WorkflowDb db, string json, string publishedBy,
        DateTime now, CancellationToken ct = default)
    {
        var report = DefinitionValidator.Validate(json);
        if (!report.Valid)
            throw new InvalidInput(report.Errors.GroupBy(e => e.Path)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        var definition = DefinitionJson.Parse(json);
        var latest = await db.DefinitionVersions
            .Where(v => v.Key == definition.Key && v.RegionCode == definition.RegionCode)
            .MaxAsync(v => (int?)v.Version, ct) ?? 0;
        var record = new DefinitionVersionRecord
        {
            Key = definition.Key,
            RegionCode = definition.RegionCode,
            Version = latest + 1,
            Name = definition.Name,
            Json = DefinitionJson.Write(definition),
            PublishedAt = now,
            PublishedBy = publishedBy,
            SourceRevision = definition.Revision,
        };
        db.DefinitionVersions.Add(record);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            throw new ConflictProblem($"Version {record.Version} of '{record.Key}' for region '{record.RegionCode}' was published concurrently; retry.");
        }
        return record;
    }

    /// <summary>Who published a version that came from the shipped files.</summary>
    public const string ShippedBy = "workflows/";

    /// <summary>
    /// Publishes each shipped definition in <paramref name="directory"/> whose <c>revision</c> is newer than any
    /// revision already imported for its key and region, unless the region has published a version of its own since.
    /// Invalid files are reported and skipped, never published.
    /// </summary>
    public async Task<IReadOnlyList<string>> ImportDirectoryAsync(WorkflowDb db, string directory, DateTime now,
        CancellationToken ct = default)
    {
        var problems = new List<string>();
        if (!Directory.Exists(directory)) return problems;
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}schema{Path.DirectorySeparatorChar}"))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}calendars{Path.DirectorySeparatorChar}"))
                     .Order())
        {
            var json = await File.ReadAllTextAsync(file, ct);
            var report = DefinitionValidator.Validate(json);
            if (!report.Valid)
            {
                var message = $"{Path.GetFileName(file)}: " + string.Join("; ", report.Errors.Select(e => $"{e.Path}: {e.Message}"));
                logger.LogError("Shipped definition not imported: {Problem}", message);
                problems.Add(message);
                continue;
            }
            var definition = DefinitionJson.Parse(json);
            var versions = db.DefinitionVersions.Where(v => v.Key == definition.Key && v.RegionCode == definition.RegionCode);
            var imported = await versions.MaxAsync(v => v.SourceRevision, ct) ?? 0;
            if ((definition.Revision ?? 1) <= imported) continue;
            // A region that has published its own version since keeps it: an upgrade never overrides a province's decision.
            if (await versions.OrderByDescending(v => v.Version).Select(v => v.PublishedBy).FirstOrDefaultAsync(ct) is { } by
                && by != ShippedBy)
            {
                logger.LogWarning("Shipped {Key} revision {Revision} for region '{Region}' not published: the region's latest version is {By}'s own",
                    definition.Key, definition.Revision, definition.RegionCode, by);
                continue;
            }
            definition.Revision ??= 1;
            var version = await PublishAsync(db, DefinitionJson.Write(definition), ShippedBy, now, ct);
            logger.LogInformation("Published {Key} for region '{Region}' as version {Version} from {File}",
                version.Key, version.RegionCode, version.Version, Path.GetFileName(file));
        }
        return problems;
    }
}
