using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Cases;
using Workflows.Persistence;
using Workflows.PersonalData;

namespace Workflows.Benefits;

/// <summary>A person a benefit keeps, by the keyed hash of their ID number: what an outside list (a death register) is
/// matched against without opening a million case documents. Written when the benefit is granted.</summary>
public sealed class BenefitPersonRecord
{
    public long Id { get; set; }
    public Guid BenefitId { get; set; }
    public Guid CaseId { get; set; }
    /// <summary>The keyed hash (<see cref="PersonalDataCipher.Lookup"/>), never the ID number.</summary>
    public string Person { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>As the household lists them (<c>self</c>, <c>spouse</c>, <c>child</c>…); <c>self</c> for the applicant.</summary>
    public string Relation { get; set; } = "";
}

/// <summary>Whom a case's benefit keeps: the one rule, read by the persons index, price subsidies and the death comparison.</summary>
public static class BenefitPersons
{
    public sealed record Person(string Name, string IdNumber, string Relation);

    /// <summary>A 低保 household's listed members, unless it was covered as a 单人户; anyone else's benefit keeps the
    /// applicant alone. The applicant — the payee — is always among them: as the member listed as <c>self</c>, or added when
    /// none is. A member listed without an ID number cannot be told from another and is left out.</summary>
    public static IReadOnlyList<Person> Of(CaseRecord record, JsonObject root)
    {
        var applicant = new Person(record.ApplicantName, record.ApplicantIdNumber, "self");
        var data = root["data"] as JsonObject;
        var alone = data?["singlePerson"] is JsonValue s && s.TryGetValue<bool>(out var single) && single
                    && data["assessment"]?["members"] is JsonValue m && m.TryGetValue<int>(out var members) && members == 1;
        if (record.Procedure != "dibao" || alone) return [applicant];
        var listed = (root["household"]?["members"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(member => new Person(Text(member, "name"), Text(member, "idNumber"), Text(member, "relation")))
            .Where(member => member.IdNumber.Length > 0).DistinctBy(member => member.IdNumber).ToList();
        // The household's "self" is the applicant; one that lists no self, or another person's number as its own, still
        // keeps the applicant.
        return listed.Any(m => m.Relation == "self" || m.IdNumber == applicant.IdNumber) ? listed : [applicant, .. listed];
    }

    private static string Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    public static IEnumerable<BenefitPersonRecord> Records(BenefitRecord benefit, CaseRecord record, JsonObject root, PersonalDataCipher cipher) =>
        Of(record, root).Select(p => new BenefitPersonRecord
        {
            BenefitId = benefit.Id, CaseId = record.Id, Person = cipher.Lookup(p.IdNumber), Name = p.Name, Relation = p.Relation,
        });

    /// <summary>Benefits granted before persons were indexed get their rows, at start, a thousand at a time.</summary>
    public static async Task<int> IndexMissingAsync(Func<WorkflowDb> openDb, CancellationToken ct = default)
    {
        var total = 0;
        var after = Guid.Empty; // pages go on by id, so the benefits indexed already are not scanned again
        while (true)
        {
            await using var db = openDb();
            var cipher = db.Cipher ?? throw new InvalidOperationException("Indexing persons needs a context with the key ring.");
            var batch = await db.Benefits.AsNoTracking().Where(b => b.Id.CompareTo(after) > 0 && !db.BenefitPersons.Any(p => p.BenefitId == b.Id))
                .Join(db.Cases.AsNoTracking(), b => b.CaseId, c => c.Id, (b, c) => new { Benefit = b, Case = c })
                .OrderBy(x => x.Benefit.Id).Take(1000).ToListAsync(ct);
            if (batch.Count == 0) return total;
            after = batch[^1].Benefit.Id;
            foreach (var x in batch)
                db.BenefitPersons.AddRange(Records(x.Benefit, x.Case, JsonNode.Parse(x.Case.DataJson)!.AsObject(), cipher));
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { continue; } // another host indexed them first
            total += batch.Count;
        }
    }
}
