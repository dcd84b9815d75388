using Workflows.Access;
using Workflows.Applicants;
using Workflows.Persistence;
using Workflows.PersonalData;

namespace Workflows.Host.Cases;

/// <summary>
/// Who sees an applicant's full ID number: only the case page (GET /api/cases/{id}), only to the roles that check identity
/// against the papers — the caseworker at intake, the township and county officers who verify, the responder who pays on
/// the spot — and each such view is recorded (<see cref="DisclosureRecord"/>). Everyone else, every list, and every
/// command's reply see it masked (first 6 and last 4 digits). The same roles see an objector's contact; others see it masked.
/// </summary>
public static class Disclosure
{
    public const string ApplicantIdNumber = "applicant.idNumber";

    public static readonly string[] FullIdNumberRoles =
        [Roles.VillageCaseworker, Roles.TownshipOfficer, Roles.CountyOfficer, Roles.EmergencyResponder];

    public static bool MaySeeFullIdNumber(Actor actor) => FullIdNumberRoles.Any(actor.Has);

    /// <summary>The case page as this official may see it; a full number shown is recorded before the page is sent.</summary>
    public static async Task<CaseView> ForCasePageAsync(CaseView view, Actor actor, WorkflowDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!MaySeeFullIdNumber(actor)) return Masked(view);
        db.Disclosures.Add(new DisclosureRecord
        {
            At = clock.GetUtcNow().UtcDateTime, Username = actor.Username, CaseId = view.Id, Field = ApplicantIdNumber,
        });
        await db.SaveChangesAsync(ct);
        return view;
    }

    /// <summary>Masked, and every objector's contact (公示异议 may be anonymous; a contact given is for the verifier) too.</summary>
    public static CaseView Masked(CaseView view) => view with
    {
        Applicant = view.Applicant with { IdNumber = IdNumber.Mask(view.Applicant.IdNumber) },
        History = [.. view.History.Select(MaskedContact)],
    };

    private static HistoryView MaskedContact(HistoryView entry) =>
        entry is { Action: "objection-received", Details: System.Text.Json.Nodes.JsonObject details }
        && details["contact"] is System.Text.Json.Nodes.JsonValue contact && contact.TryGetValue<string>(out var text)
            ? entry with { Details = new System.Text.Json.Nodes.JsonObject(details.Select(p =>
                KeyValuePair.Create(p.Key, p.Key == "contact" ? (System.Text.Json.Nodes.JsonNode?)MaskContact(text) : p.Value?.DeepClone()))) }
            : entry;

    /// <summary>A phone number or other contact as lists show it: its first 3 and last 4 characters, or only stars when short.</summary>
    public static string? MaskContact(string? contact) => contact switch
    {
        null => null,
        { Length: > 7 } => contact[..3] + new string('*', contact.Length - 7) + contact[^4..],
        _ => "****",
    };
}
