using System.Collections.Frozen;

namespace Workflows.Calendar;

/// <summary>
/// Working days (工作日) in China: Monday–Friday, minus statutory holidays, plus make-up workdays (调休上班) that fall on
/// weekends. The years come from data (the database, loaded from the shipped files and from what admins put); the
/// set is swapped whole when it changes, so a computation never sees half a reload.
/// <para>A day in a year without data counts Monday–Friday: the State Council publishes a year's notice only in
/// November or December, and until an operator loads it deadlines must still be set. Every result says whether it
/// relied on that guess (<c>Provisional</c>), so that it can be shown as such and computed again once the year is
/// loaded.</para>
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>Deadlines are statutory dates in China, whatever the server's zone.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private sealed record Days(FrozenSet<DateOnly> Holidays, FrozenSet<DateOnly> Workdays, FrozenDictionary<int, CalendarYear> Years);

    private volatile Days _days = Of([]);

    public WorkingDayCalendar() { }

    public WorkingDayCalendar(IEnumerable<CalendarYear> years) => Replace(years);

    public static WorkingDayCalendar FromFiles(IEnumerable<string> paths) =>
        new(paths.SelectMany(path => CalendarYear.ReadFile(File.ReadAllText(path), path)));

    /// <summary>The years held, in order.</summary>
    public IReadOnlyList<int> Years => [.. _days.Years.Keys.Order()];

    public IReadOnlyCollection<CalendarYear> All => _days.Years.Values;

    /// <summary>Replaces every year at once (later entries of the same year win).</summary>
    public void Replace(IEnumerable<CalendarYear> years) => _days = Of(years);

    private static Days Of(IEnumerable<CalendarYear> years)
    {
        var byYear = new Dictionary<int, CalendarYear>();
        foreach (var year in years) byYear[year.Year] = year;
        var holidays = byYear.Values.SelectMany(y => y.Holidays)
            .SelectMany(h => Enumerable.Range(0, h.To.DayNumber - h.From.DayNumber + 1).Select(h.From.AddDays));
        return new Days(holidays.ToFrozenSet(), byYear.Values.SelectMany(y => y.Workdays).ToFrozenSet(), byYear.ToFrozenDictionary());
    }

    /// <summary>Whether the day is a working day, and whether that is a guess (a year without data: Monday–Friday).</summary>
    public (bool Working, bool Provisional) Classify(DateOnly day) => Classify(_days, day);

    public bool IsWorkingDay(DateOnly day) => Classify(day).Working;

    private static (bool Working, bool Provisional) Classify(Days days, DateOnly day)
    {
        var weekday = day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        if (!days.Years.ContainsKey(day.Year)) return (weekday, true);
        if (days.Holidays.Contains(day)) return (false, false);
        return (weekday || days.Workdays.Contains(day), false);
    }

    /// <summary>The date on which "within <paramref name="workingDays"/> working days of <paramref name="start"/>" ends
    /// (the start day itself never counts), and whether a day without data was counted on the way.</summary>
    public (DateOnly Day, bool Provisional) AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var days = _days;
        var day = start;
        var provisional = false;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            var (working, guessed) = Classify(days, day);
            provisional |= guessed;
            if (working) counted++;
        }
        return (day, provisional);
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var days = _days;
        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (Classify(days, d).Working) count++;
        return count;
    }

    /// <summary>The last day up to which every year from <paramref name="today"/>'s on is held; null when not even this
    /// year is. An operator must load the next year before this runs out.</summary>
    public DateOnly? HeldThrough(DateOnly today)
    {
        var days = _days;
        var year = today.Year;
        if (!days.Years.ContainsKey(year)) return null;
        while (days.Years.ContainsKey(year + 1)) year++;
        return new DateOnly(year, 12, 31);
    }

    public static DateOnly ChinaDate(DateTime utc) => DateOnly.FromDateTime(utc + ChinaOffset);

    /// <summary>The instant a deadline day ends (24:00 Beijing time), in UTC.</summary>
    public static DateTime EndOfDayUtc(DateOnly day) =>
        DateTime.SpecifyKind(day.AddDays(1).ToDateTime(TimeOnly.MinValue) - ChinaOffset, DateTimeKind.Utc);

    /// <summary>Due instant for something started at <paramref name="startUtc"/> with a time limit in working days.</summary>
    public (DateTime At, bool Provisional) DueAt(DateTime startUtc, int workingDays)
    {
        var (day, provisional) = AddWorkingDays(ChinaDate(startUtc), workingDays);
        return (EndOfDayUtc(day), provisional);
    }
}
