using System.Security.Cryptography;
using System.Text;
using Workflows.Cases;

namespace Workflows.Audit;

/// <summary>
/// The tamper-evident history (API.md, Administration: audit). Each history row carries a keyed hash (HMAC-SHA256 under
/// the key ring's chain key) of its canonical content chained to the row before it; the case keeps the hash of its last
/// row, so a row altered, removed or put back in another order breaks the chain. A case's first row is chained to the
/// case's identity (id, procedure, region, applicant, who started it, when) and to the case started before it, so a
/// deleted case leaves its successor pointing at nothing. The hash is over the plain content, not the sealed one:
/// re-sealing under a new key changes no hash.
/// </summary>
public sealed class AuditChain(byte[] key)
{
    /// <summary>The hash a command gives the row of the case's new version, and the case's new head.</summary>
    public string Next(CaseRecord movedCase, HistoryRecord row) => Link(movedCase.HistoryHash ?? Genesis(movedCase), row);

    private string Link(string previous, HistoryRecord row) =>
        Hash($"{previous}\n{row.CaseId:N}\n{row.CaseVersion}\n{row.At.Ticks}\n{row.Actor}\n{row.EntriesJson}");

    /// <summary>Where a case's chain starts: what never changes about it.</summary>
    public string Genesis(CaseRecord c) =>
        Hash($"genesis\n{c.Id:N}\n{c.PreviousCaseId:N}\n{c.Procedure}\n{c.RegionCode}\n{c.ApplicantName}\n{c.ApplicantIdNumber}\n" +
             $"{c.CreatedAt.Ticks}\n{c.CreatedBy}");

    private string Hash(string content) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content)));

    /// <summary>Where a case's chain breaks: the first version whose row is missing, altered or out of place (the version
    /// after the last row when the case's head disagrees with it); null when it holds.</summary>
    public int? BrokenAt(CaseRecord c, IReadOnlyList<HistoryRecord> rowsInOrder, bool predecessorExists)
    {
        if (!predecessorExists) return 1;
        var head = Genesis(c);
        var expected = 1;
        foreach (var row in rowsInOrder)
        {
            var version = row.CaseVersion ?? expected;
            if (version != expected) return expected; // a row removed, or moved to another case
            if (row.Hash is null) return version;
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Link(head, row)), Encoding.ASCII.GetBytes(row.Hash)))
                return version;
            (head, expected) = (row.Hash, expected + 1);
        }
        return head == c.HistoryHash && c.Version == expected - 1 ? null : expected;
    }
}
