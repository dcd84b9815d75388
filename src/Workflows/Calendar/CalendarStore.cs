using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Persistence;

namespace Workflows.Calendar;

/// <summary>One year of the holiday calendar as the database holds it: every host reads its years from here.</summary>
public sealed class CalendarYearRecord
{
    public int Year { get; set; }
    /// <summary>The year's document, <see cref="CalendarYear.ToJson"/>.</summary>
    public string Document { get; set; } = "";
    /// <summary><see cref="CalendarSource.Shipped"/> or <see cref="CalendarSource.Admin"/>.</summary>
    public string Source { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

public static class CalendarSource
{
    /// <summary>From the files shipped with the service; a newer release may correct it.</summary>
    public const string Shipped = "shipped";
    /// <summary>Put by a system admin; never overwritten by a shipped file.</summary>
    public const string Admin = "admin";
}

/// <summary>Reads and writes the calendar's years.</summary>
public static class CalendarStore
{
    public static async Task<List<CalendarYearRecord>> RowsAsync(WorkflowDb db, CancellationToken ct = default) =>
        await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).ToListAsync(ct);

    public static CalendarYear Read(CalendarYearRecord row)
    {
        using var doc = JsonDocument.Parse(row.Document);
        var errors = new Runtime.FieldErrors();
        return CalendarYear.Read(row.Year, doc.RootElement, errors)
               ?? throw new InvalidOperationException($"Stored calendar year {row.Year} does not read: {errors.ToProblem().Message}");
    }

    /// <summary>Adds the shipped years the database lacks, and updates shipped years a newer file corrects; a year an
    /// admin put stays as it is. Returns the years written.</summary>
    public static async Task<List<int>> ImportShippedAsync(WorkflowDb db, IEnumerable<CalendarYear> shipped, DateTime now,
        CancellationToken ct = default)
    {
        var held = await db.CalendarYears.ToDictionaryAsync(y => y.Year, ct);
        var written = new List<int>();
        foreach (var year in shipped)
        {
            var document = year.ToJson().ToJsonString();
            if (held.TryGetValue(year.Year, out var row))
            {
                if (row.Source != CalendarSource.Shipped || row.Document == document) continue;
            }
            else db.CalendarYears.Add(row = new CalendarYearRecord { Year = year.Year });
            (row.Document, row.Source, row.UpdatedAt, row.UpdatedBy) = (document, CalendarSource.Shipped, now, "system");
            written.Add(year.Year);
        }
        await db.SaveChangesAsync(ct);
        return written;
    }

    /// <summary>Stores a year an admin put, replacing whatever was held for it.</summary>
    public static async Task<CalendarYearRecord> PutAsync(WorkflowDb db, CalendarYear year, string by, DateTime now,
        CancellationToken ct = default)
    {
        var row = await db.CalendarYears.FirstOrDefaultAsync(y => y.Year == year.Year, ct);
        if (row is null) db.CalendarYears.Add(row = new CalendarYearRecord { Year = year.Year });
        (row.Document, row.Source, row.UpdatedAt, row.UpdatedBy) = (year.ToJson().ToJsonString(), CalendarSource.Admin, now, by);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Makes the calendar hold exactly the stored years; true when that changed anything.</summary>
    public static async Task<bool> RefreshAsync(WorkflowDb db, WorkingDayCalendar calendar, CancellationToken ct = default)
    {
        var years = (await RowsAsync(db, ct)).Select(Read).ToList();
        var same = years.Count == calendar.All.Count
                   && years.All(y => calendar.All.FirstOrDefault(h => h.Year == y.Year) is { } held && Same(held, y));
        if (!same) calendar.Replace(years);
        return !same;
    }

    private static bool Same(CalendarYear a, CalendarYear b) =>
        a.Holidays.SequenceEqual(b.Holidays) && a.Workdays.SequenceEqual(b.Workdays);
}
