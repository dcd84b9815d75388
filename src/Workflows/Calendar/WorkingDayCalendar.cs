using System.Text.Json;

namespace Workflows.Calendar;

/// <summary>
/// Working days (工作日) in China: Monday–Friday, minus statutory holidays, plus make-up workdays (调休上班)
/// that fall on weekends. Years come from data files; a year with no data is refused rather than guessed,
/// because a wrong statutory deadline is worse than a loud error.
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>Deadlines are statutory dates in China, whatever the server's zone.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly HashSet<DateOnly> _holidays = new();
    private readonly HashSet<DateOnly> _makeUpWorkdays = new();
    private readonly HashSet<int> _years = new();

    public IReadOnlyCollection<int> Years => _years;

    public static WorkingDayCalendar FromFiles(IEnumerable<string> paths)
    {
        var calendar = new WorkingDayCalendar();
        foreach (var path in paths) calendar.AddYears(File.ReadAllText(path));
        return calendar;
    }

    /// <summary>Adds the years of one holiday document (the shape of cn-holidays.json).</summary>
    public void AddYears(string json)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var year in doc.RootElement.GetProperty("years").EnumerateObject())
        {
            _years.Add(int.Parse(year.Name));
            foreach (var range in year.Value.GetProperty("holidays").EnumerateArray())
            {
                var from = DateOnly.Parse(range[0].GetString()!);
                var to = DateOnly.Parse(range[1].GetString()!);
                for (var d = from; d <= to; d = d.AddDays(1)) _holidays.Add(d);
            }
            foreach (var day in year.Value.GetProperty("workdays").EnumerateArray())
                _makeUpWorkdays.Add(DateOnly.Parse(day.GetString()!));
        }
    }

    public bool IsWorkingDay(DateOnly day)
    {
        if (!_years.Contains(day.Year))
            throw new InvalidOperationException(
                $"The working-day calendar has no data for {day.Year}; add that year's holiday notice to the calendar files.");
        if (_holidays.Contains(day)) return false;
        if (_makeUpWorkdays.Contains(day)) return true;
        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The date on which "within <paramref name="workingDays"/> working days of <paramref name="start"/>" ends:
    /// the start day itself never counts.</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        if (workingDays < 0) throw new ArgumentOutOfRangeException(nameof(workingDays));
        var day = start;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }
        return day;
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) count++;
        return count;
    }

    public static DateOnly ChinaDate(DateTime utc) => DateOnly.FromDateTime(utc + ChinaOffset);

    /// <summary>The instant a deadline day ends (24:00 Beijing time), in UTC.</summary>
    public static DateTime EndOfDayUtc(DateOnly day) =>
        DateTime.SpecifyKind(day.AddDays(1).ToDateTime(TimeOnly.MinValue) - ChinaOffset, DateTimeKind.Utc);

    /// <summary>Due instant for a task created at <paramref name="createdUtc"/> with a deadline in working days.</summary>
    public DateTime DueAt(DateTime createdUtc, int workingDays) =>
        EndOfDayUtc(AddWorkingDays(ChinaDate(createdUtc), workingDays));
}
