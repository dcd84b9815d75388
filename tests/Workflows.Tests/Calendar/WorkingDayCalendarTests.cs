using System.Text.Json;
using Workflows.Calendar;
using Workflows.Runtime;
using Workflows.Testing;

namespace Workflows.Tests.Calendar;

/// <summary>Working days per the State Council's 2026 holiday notice (calendars/cn-holidays.json).</summary>
public class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar =
        WorkingDayCalendar.FromFiles(Directory.GetFiles(Repo.Calendars, "*.json"));

    private static DateOnly D(string s) => DateOnly.Parse(s);

    [Theory]
    // Spring Festival 2026: 15–23 February off; Saturday 14 and Saturday 28 February are make-up workdays.
    [InlineData("2026-02-11", 3, "2026-02-14")] // Thu 12, Fri 13, Sat 14 (调休上班)
    [InlineData("2026-02-13", 1, "2026-02-14")] // the make-up Saturday counts
    [InlineData("2026-02-13", 2, "2026-02-24")] // then nine days of holiday
    [InlineData("2026-02-13", 3, "2026-02-25")] // the village check's 3 days across the festival
    [InlineData("2026-02-26", 2, "2026-02-28")] // Fri 27, Sat 28 (调休上班)
    [InlineData("2026-02-27", 2, "2026-03-02")] // Sat 28, then Sunday off, Monday 2 March
    // National Day 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are make-up workdays;
    // the Mid-Autumn Festival takes 25–27 September.
    [InlineData("2026-09-18", 1, "2026-09-20")] // Saturday 19 off, Sunday 20 works
    [InlineData("2026-09-24", 1, "2026-09-28")] // Friday 25 is Mid-Autumn
    [InlineData("2026-09-30", 2, "2026-10-09")] // the township review's 2 days across National Day
    [InlineData("2026-09-30", 3, "2026-10-10")] // Saturday 10 October works
    [InlineData("2026-10-09", 1, "2026-10-10")]
    [InlineData("2026-10-10", 1, "2026-10-12")] // Sunday 11 off
    // An ordinary week.
    [InlineData("2026-11-20", 3, "2026-11-25")] // Fri → Mon, Tue, Wed
    public void Adds_working_days_across_holidays_and_make_up_days(string start, int days, string expected) =>
        Assert.Equal((D(expected), false), Calendar.AddWorkingDays(D(start), days));

    [Theory]
    [InlineData("2026-02-14", true)]  // Saturday, 调休上班
    [InlineData("2026-02-16", false)] // Monday, 春节
    [InlineData("2026-02-28", true)]  // Saturday, 调休上班
    [InlineData("2026-09-20", true)]  // Sunday, 调休上班
    [InlineData("2026-10-08", true)]  // Thursday after National Day
    [InlineData("2026-10-07", false)]
    [InlineData("2026-10-11", false)] // an ordinary Sunday
    [InlineData("2025-01-26", true)]  // 2025 data as well
    public void Knows_each_days_status(string day, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(D(day)));

    [Fact]
    public void Counts_the_working_days_of_the_2026_Spring_Festival_fortnight() =>
        // 9–28 Feb: 9–13 (5), 14 (1), 24–27 (4), 28 (1) = 11
        Assert.Equal(11, Calendar.WorkingDaysBetween(D("2026-02-08"), D("2026-02-28")));

    [Fact]
    public void A_deadline_ends_at_midnight_Beijing_time()
    {
        // Created 2026-02-13 10:00 Beijing time (02:00 UTC), 3 working days → end of 25 February, Beijing.
        var due = Calendar.DueAt(new DateTime(2026, 2, 13, 2, 0, 0, DateTimeKind.Utc), 3);
        Assert.Equal((new DateTime(2026, 2, 25, 16, 0, 0, DateTimeKind.Utc), false), due);
    }

    [Fact]
    public void A_task_created_late_in_the_evening_counts_from_its_Beijing_date()
    {
        // 2026-02-13 17:00 UTC is already Saturday 14 February 01:00 in Beijing.
        var due = Calendar.DueAt(new DateTime(2026, 2, 13, 17, 0, 0, DateTimeKind.Utc), 1);
        Assert.Equal((new DateTime(2026, 2, 24, 16, 0, 0, DateTimeKind.Utc), false), due);
    }

    [Fact]
    public void A_year_without_data_counts_Monday_to_Friday_and_says_so()
    {
        // 2027 has no data: Thursday 31 December counts, then Friday 1 and Monday 4 January as weekdays.
        Assert.Equal((D("2027-01-04"), true), Calendar.AddWorkingDays(D("2026-12-30"), 3));
        Assert.Equal((D("2026-12-31"), false), Calendar.AddWorkingDays(D("2026-12-30"), 1));
        Assert.Equal((true, true), Calendar.Classify(D("2027-01-01")));
        Assert.Equal((false, true), Calendar.Classify(D("2027-01-02")));
        Assert.Equal(D("2026-12-31"), Calendar.HeldThrough(D("2026-12-01")));
        Assert.Null(Calendar.HeldThrough(D("2027-01-01")));
    }

    [Fact]
    public void A_year_is_added_from_data_without_code()
    {
        var calendar = WorkingDayCalendar.FromFiles(Directory.GetFiles(Repo.Calendars, "*.json"));
        var errors = new FieldErrors();
        using var doc = JsonDocument.Parse("""{"holidays":[["2027-01-01","2027-01-04","元旦"]],"workdays":["2027-01-09"]}""");
        calendar.Replace([.. calendar.All, CalendarYear.Read(2027, doc.RootElement, errors)!]);
        Assert.False(errors.Any);
        Assert.False(calendar.IsWorkingDay(D("2027-01-01")));
        Assert.True(calendar.IsWorkingDay(D("2027-01-09"))); // a Saturday
        Assert.Equal((D("2027-01-06"), false), calendar.AddWorkingDays(D("2026-12-30"), 3));
        Assert.Equal(D("2027-12-31"), calendar.HeldThrough(D("2026-12-01")));
    }

    [Theory]
    [InlineData("""{"holidays":[["2027-01-01","2027-01-03","元旦"]],"workdays":[]}""", null)]
    [InlineData("""{"holidays":[["2026-12-31","2027-01-03","元旦"]],"workdays":[]}""", "holidays[0][0]")] // outside the year
    [InlineData("""{"holidays":[["2027-01-05","2027-01-03","元旦"]],"workdays":[]}""", "holidays[0][1]")] // ends before it starts
    [InlineData("""{"holidays":[["2027-02-06","2027-02-14","春节"],["2027-02-10","2027-02-12","x"]],"workdays":[]}""", "holidays[1]")]
    [InlineData("""{"holidays":[["2027-01-01","2027-01-03",""]],"workdays":[]}""", "holidays[0][2]")] // no name
    [InlineData("""{"holidays":[["2027-1-1","2027-01-03","元旦"]],"workdays":[]}""", "holidays[0][0]")] // not YYYY-MM-DD
    [InlineData("""{"holidays":[["2027-01-01","2027-01-03","元旦"]],"workdays":["2027-01-05"]}""", "workdays[0]")] // a Tuesday
    [InlineData("""{"holidays":[["2027-01-01","2027-01-03","元旦"]],"workdays":["2027-01-02"]}""", "workdays[0]")] // inside 元旦
    [InlineData("""{"holidays":[],"workdays":["2027-01-09","2027-01-09"]}""", "workdays[1]")] // twice
    [InlineData("""{"workdays":[]}""", "holidays")]
    [InlineData("""{"holidays":[]}""", "workdays")]
    [InlineData("""[]""", "$")]
    public void A_years_document_is_checked_field_by_field(string json, string? field)
    {
        var errors = new FieldErrors();
        using var doc = JsonDocument.Parse(json);
        var year = CalendarYear.Read(2027, doc.RootElement, errors);
        if (field is null)
        {
            Assert.NotNull(year);
            Assert.False(errors.Any);
            return;
        }
        Assert.Null(year);
        var problem = errors.ToProblem();
        Assert.True(problem.Errors.ContainsKey(field), $"expected an error on {field}: {problem.Message}");
    }

    [Fact]
    public void A_stored_year_reads_back_as_it_was_written()
    {
        var year = Calendar.All.Single(y => y.Year == 2026);
        using var doc = JsonDocument.Parse(year.ToJson().ToJsonString());
        var read = CalendarYear.Read(2026, doc.RootElement, new FieldErrors())!;
        Assert.Equal(year.Holidays, read.Holidays);
        Assert.Equal(year.Workdays, read.Workdays);
    }
}
