using System.Globalization;
using System.Text.RegularExpressions;
using Workflows.Calendar;

namespace Workflows.Payments;

/// <summary>A payment period: a month, <c>YYYY-MM</c> (API.md, Conventions), and the one arithmetic on it. Written so,
/// periods sort as text, which the database's comparisons rely on.</summary>
public static partial class Period
{
    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string? period) => period is not null && Pattern().IsMatch(period);

    /// <summary>The month of an instant, on the China calendar day it falls on.</summary>
    public static string Of(DateTime utc) => Of(WorkingDayCalendar.ChinaDate(utc));

    public static string Of(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static DateOnly FirstDay(string period) => DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The month <paramref name="months"/> months after (or, negative, before) <paramref name="period"/>.</summary>
    public static string After(string period, int months) => Of(FirstDay(period).AddMonths(months));

    /// <summary>How many months <paramref name="to"/> lies after <paramref name="from"/> (negative when before).</summary>
    public static int MonthsBetween(string from, string to)
    {
        var (a, b) = (FirstDay(from), FirstDay(to));
        return (b.Year - a.Year) * 12 + b.Month - a.Month;
    }
}
