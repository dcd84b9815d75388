using Microsoft.EntityFrameworkCore;
using Workflows.Cases;
using Workflows.Persistence;

namespace Workflows.Audit;

public sealed record CaseAudit(bool Valid, int Rows, int? BrokenAtVersion);
public sealed record BrokenCase(Guid CaseId, int Version);
public sealed record AuditReport(bool Valid, int Cases, long Rows, IReadOnlyList<BrokenCase> Broken);

/// <summary>Checks the stored history against its chain (<see cref="AuditChain"/>), one case or all of them, and links
/// the history written before chains existed.</summary>
public static class AuditLedger
{
    private const int Batch = 500;

    private static AuditChain ChainOf(WorkflowDb db) =>
        new((db.Cipher ?? throw new InvalidOperationException("The audit chain needs the key ring.")).Ring.ChainKey);

    public static async Task<CaseAudit> VerifyCaseAsync(WorkflowDb db, CaseRecord c, CancellationToken ct = default)
    {
        var rows = await db.History.AsNoTracking().Where(h => h.CaseId == c.Id).OrderBy(h => h.Id).ToListAsync(ct);
        var predecessor = c.PreviousCaseId is not { } previous || await db.Cases.AnyAsync(x => x.Id == previous, ct);
        var broken = ChainOf(db).BrokenAt(c, rows, predecessor);
        return new CaseAudit(broken is null, rows.Count, broken);
    }

    /// <summary>Every case, a batch at a time (the history of a batch in one read). Rows whose case is gone are reported
    /// under that case id at their first version.</summary>
    public static async Task<AuditReport> VerifyAllAsync(Func<WorkflowDb> openDb, CancellationToken ct = default)
    {
        var broken = new List<BrokenCase>();
        var (cases, rows) = (0, 0L);
        await using var db = openDb();
        var chain = ChainOf(db);
        var ids = await db.Cases.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var known = ids.ToHashSet();
        foreach (var chunk in ids.Chunk(Batch))
        {
            db.ChangeTracker.Clear();
            var batch = await db.Cases.AsNoTracking().Where(c => chunk.Contains(c.Id)).ToListAsync(ct);
            var history = (await db.History.AsNoTracking().Where(h => chunk.Contains(h.CaseId)).ToListAsync(ct))
                .GroupBy(h => h.CaseId).ToDictionary(g => g.Key, g => g.OrderBy(h => h.Id).ToList());
            foreach (var c in batch)
            {
                var ofCase = history.GetValueOrDefault(c.Id) ?? [];
                cases++;
                rows += ofCase.Count;
                if (chain.BrokenAt(c, ofCase, c.PreviousCaseId is not { } p || known.Contains(p)) is { } version)
                    broken.Add(new BrokenCase(c.Id, version));
            }
        }
        var orphans = await db.History.AsNoTracking().Where(h => !db.Cases.Any(c => c.Id == h.CaseId))
            .GroupBy(h => h.CaseId).Select(g => new { CaseId = g.Key, Version = g.Min(h => h.CaseVersion), Rows = g.Count() }).ToListAsync(ct);
        foreach (var orphan in orphans)
        {
            rows += orphan.Rows;
            broken.Add(new BrokenCase(orphan.CaseId, orphan.Version ?? 1));
        }
        return new AuditReport(broken.Count == 0, cases, rows, broken);
    }

    /// <summary>History written before the chain existed gets its links, in the order it was written, each case linked to
    /// the one started before it; run at start, before any command extends a chain.</summary>
    public static async Task<int> LinkUnchainedAsync(WorkflowDb db, CancellationToken ct = default)
    {
        var chain = ChainOf(db);
        var linked = 0;
        Guid? previous = null; // the cases unchained are the oldest: the first of them was the first case of all
        while (true)
        {
            db.ChangeTracker.Clear();
            var batch = await db.Cases.Where(c => c.HistoryHash == null).OrderBy(c => c.Id).Take(Batch).ToListAsync(ct);
            if (batch.Count == 0) return linked;
            var ids = batch.Select(c => c.Id).ToList();
            var history = (await db.History.Where(h => ids.Contains(h.CaseId)).ToListAsync(ct))
                .GroupBy(h => h.CaseId).ToDictionary(g => g.Key, g => g.OrderBy(h => h.Id).ToList());
            foreach (var c in batch)
            {
                c.PreviousCaseId = previous;
                c.HistoryHash = null;
                foreach (var row in history.GetValueOrDefault(c.Id) ?? []) c.HistoryHash = row.Hash = chain.Next(c, row);
                c.HistoryHash ??= chain.Genesis(c);
                previous = c.Id;
            }
            await db.SaveChangesAsync(ct);
            linked += batch.Count;
        }
    }
}
