using Workflows.Access;
using Workflows.Applicants;
using Workflows.Persistence;
using Workflows.PersonalData;

namespace Workflows.Host.Cases;

/// <summary>
/// Who sees an applicant's full ID number: only the case page (GET /api/cases/{id}), only to the roles that check identity
/// against the papers — the caseworker at intake, the township and county officers who verify, the responder who pays on
/// the spot — and each such view is recorded (<see cref="DisclosureRecord"/>). Everyone else, every list, and every
/// command's reply see it masked (first 6 and last 4 digits).
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

    public static CaseView Masked(CaseView view) =>
        view with { Applicant = view.Applicant with { IdNumber = IdNumber.Mask(view.Applicant.IdNumber) } };
}
