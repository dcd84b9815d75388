using System.Text.RegularExpressions;

namespace Workflows.Payments;

/// <summary>A payment period: a month, <c>YYYY-MM</c> (API.md, Conventions).</summary>
public static partial class Period
{
    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string? period) => period is not null && Pattern().IsMatch(period);
}
