namespace Workflows.PersonalData;

/// <summary>A full ID number shown to an official: who saw whose, when, and through which route. Lists, notices and
/// command replies show it masked; only the case page shows it whole, and only to the roles that check identity.</summary>
public sealed class DisclosureRecord
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Username { get; set; } = "";
    public Guid CaseId { get; set; }
    /// <summary>What was shown, as the API names it (<c>applicant.idNumber</c>).</summary>
    public string Field { get; set; } = "";
}
