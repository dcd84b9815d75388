using Microsoft.EntityFrameworkCore;
using Workflows.Benefits;
using Workflows.Cases;
using Workflows.Payments;
using Workflows.Persistence;

namespace Workflows.PersonalData;

/// <summary>
/// Brings stored personal data to the ring's active key while the service runs: rows sealed under an older key (or
/// written before sealing) are read and written again, a batch at a time, each batch its own transaction. A case moved by
/// a command in between is simply taken again. Once no row needs an old key, that key may leave the ring.
/// </summary>
public static class Reseal
{
    public const int BatchSize = 500;

    public sealed record Counts(string Table, int Rows);

    public static async Task<IReadOnlyList<Counts>> RunAsync(Func<WorkflowDb> openDb, CancellationToken ct = default)
    {
        var counts = new List<Counts>
        {
            new("cases", await ResealAsync(openDb, db => db.Cases.Select(c => c.Id), (db, ids) => db.Cases.Where(c => ids.Contains(c.Id)), ct)),
            new("case_history", await ResealAsync(openDb, db => db.History.Select(h => h.Id), (db, ids) => db.History.Where(h => ids.Contains(h.Id)), ct)),
            new("payments", await ResealAsync(openDb, db => db.Payments.Select(p => p.Id), (db, ids) => db.Payments.Where(p => ids.Contains(p.Id)), ct)),
            new("benefits", await ResealAsync(openDb, db => db.Benefits.Select(b => b.Id), (db, ids) => db.Benefits.Where(b => ids.Contains(b.Id)), ct)),
            new("idempotency_keys", await ResealAsync(openDb, db => db.IdempotencyKeys.Select(i => i.Key).Distinct(),
                (db, keys) => db.IdempotencyKeys.Where(i => keys.Contains(i.Key)), ct)),
            new("settings", await ResealAsync(openDb, db => db.Settings.Select(s => s.Key), (db, keys) => db.Settings.Where(s => keys.Contains(s.Key)), ct)),
            new("complaints", await ResealAsync(openDb, db => db.Complaints.Select(c => c.Id), (db, ids) => db.Complaints.Where(c => ids.Contains(c.Id)), ct)),
        };
        await using var claimsDb = openDb();
        counts.Add(new("once_per_claims", await HashLegacyClaimsAsync(claimsDb, ct)));
        return counts;
    }

    /// <summary>Claims written before subjects were hashed hold the ID number itself: they are hashed at start, before any
    /// command compares a new claim with them, so "once per person" holds across the change.</summary>
    public static async Task<int> HashLegacyClaimsAsync(WorkflowDb db, CancellationToken ct = default)
    {
        var cipher = db.Cipher ?? throw new InvalidOperationException("Hashing claims needs a context with the key ring.");
        var hashed = 0;
        while (true)
        {
            var legacy = await db.OncePerClaims.Where(c => !c.Subject.StartsWith("h1:")).OrderBy(c => c.Id).Take(BatchSize).ToListAsync(ct);
            if (legacy.Count == 0) return hashed;
            foreach (var claim in legacy) claim.Subject = cipher.Lookup(claim.Subject);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            hashed += legacy.Count;
        }
    }

    /// <summary>Every row of a table, read and written again a batch at a time; the keys are read first, so the batches
    /// neither skip nor repeat a row whatever commands do meanwhile.</summary>
    private static async Task<int> ResealAsync<TRow, TKey>(Func<WorkflowDb> openDb, Func<WorkflowDb, IQueryable<TKey>> keys,
        Func<WorkflowDb, List<TKey>, IQueryable<TRow>> rowsOf, CancellationToken ct) where TRow : class
    {
        List<TKey> all;
        await using (var db = openDb()) all = await keys(db).ToListAsync(ct);
        var written = 0;
        foreach (var chunk in all.Chunk(BatchSize))
            while (true)
            {
                await using var db = openDb();
                var batch = await rowsOf(db, [.. chunk]).ToListAsync(ct);
                foreach (var property in batch.SelectMany(row => db.Entry(row).Properties)
                             .Where(p => p.Metadata.GetValueConverter() is not null && p.Metadata.ClrType == typeof(string)))
                    property.IsModified = true;
                try
                {
                    await db.SaveChangesAsync(ct);
                    written += batch.Count;
                    break;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // A command moved one of these cases meanwhile (and sealed it under the active key): take the batch again.
                }
            }
        return written;
    }
}
