using Workflows.Applicants;

namespace Workflows.Notices;

/// <summary>
/// A public notice (张榜公示) of a case: who (masked), how much, and for how long. Written masked — the notice
/// table never holds a full name or ID number — because it is read without login.
/// </summary>
public sealed class NoticeRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string RegionCode { get; set; } = "";
    public string Procedure { get; set; } = "";
    public string Step { get; set; } = "";
    public string MaskedName { get; set; } = "";
    public string MaskedIdNumber { get; set; } = "";
    public long? AmountFen { get; set; }
    public DateTime From { get; set; }
    public DateTime Until { get; set; }

    /// <summary>First and last character kept (张*三; 张* for two characters).</summary>
    public static string MaskName(string name) => name.Length switch
    {
        0 => "",
        1 => name,
        2 => name[0] + "*",
        _ => name[0] + new string('*', name.Length - 2) + name[^1],
    };

    public static string MaskIdNumber(string idNumber) => IdNumber.Mask(idNumber);
}
