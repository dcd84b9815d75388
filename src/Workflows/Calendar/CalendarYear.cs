using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Runtime;

namespace Workflows.Calendar;

/// <summary>A statutory holiday (法定节假日) as the notice lists it: the first and last rest day, and its name.</summary>
public sealed record Holiday(DateOnly From, DateOnly To, string Name);

/// <summary>
/// One year of the State Council's holiday notice: its rest days and its make-up workdays (调休上班), in the shape of
/// one year of <c>calendars/cn-holidays.json</c>: <c>{holidays:[[from, to, name]…], workdays:[…]}</c>.
/// </summary>
public sealed record CalendarYear(int Year, IReadOnlyList<Holiday> Holidays, IReadOnlyList<DateOnly> Workdays)
{
    public const int FirstYear = 2000;
    public const int LastYear = 2099;

    /// <summary>Reads and checks one year's document; every problem goes to <paramref name="errors"/> under its path,
    /// and null comes back if there was any.</summary>
    public static CalendarYear? Read(int year, JsonElement document, FieldErrors errors, string path = "")
    {
        var before = errors.Count;
        if (year is < FirstYear or > LastYear) errors.Add("year", $"应在 {FirstYear}–{LastYear} 之间 (a year from {FirstYear} to {LastYear})");
        if (document.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path.Length > 0 ? path : "$", "应为 {holidays:[[起, 止, 名称]…], workdays:[…]} (an object with holidays and workdays)");
            return null;
        }
        var holidays = ReadHolidays(year, document, errors, Field(path, "holidays"));
        var workdays = ReadWorkdays(year, document, holidays, errors, Field(path, "workdays"));
        return errors.Count > before ? null : new CalendarYear(year, holidays, workdays);
    }

    /// <summary>The years of a holiday file (<c>{years:{"2026":{…}}}</c>); throws naming every problem, since a shipped
    /// or stored file that does not read is a fault of the deployment, not of a request.</summary>
    public static IReadOnlyList<CalendarYear> ReadFile(string json, string source)
    {
        using var doc = JsonDocument.Parse(json);
        var errors = new FieldErrors();
        var years = new List<CalendarYear>();
        if (!doc.RootElement.TryGetProperty("years", out var all) || all.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException($"{source}: no \"years\" object.");
        foreach (var entry in all.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                errors.Add($"years.{entry.Name}", "应为四位年份 (a four-digit year)");
                continue;
            }
            if (Read(year, entry.Value, errors, $"years.{entry.Name}") is { } read) years.Add(read);
        }
        if (errors.Any) throw new InvalidOperationException($"{source}: {errors.ToProblem().Message}");
        return years;
    }

    /// <summary>The year's document as stored and as <c>GET /api/admin/calendars/{year}</c> returns it.</summary>
    public JsonObject ToJson() => new()
    {
        ["holidays"] = new JsonArray([.. Holidays.Select(h => (JsonNode)new JsonArray(Iso(h.From), Iso(h.To), h.Name))]),
        ["workdays"] = new JsonArray([.. Workdays.Select(d => (JsonNode)Iso(d)!)]),
    };

    private static JsonNode? Iso(DateOnly day) => JsonValue.Create(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static List<Holiday> ReadHolidays(int year, JsonElement document, FieldErrors errors, string path)
    {
        var holidays = new List<Holiday>();
        if (!document.TryGetProperty("holidays", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "必填：[[起, 止, 名称]…] (required: a list of [from, to, name])");
            return holidays;
        }
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 3)
            {
                errors.Add(at, "应为 [起, 止, 名称] (a list of from, to and name)");
                continue;
            }
            var from = ReadDay(year, item[0], errors, $"{at}[0]");
            var to = ReadDay(year, item[1], errors, $"{at}[1]");
            var name = item[2].ValueKind == JsonValueKind.String ? item[2].GetString()!.Trim() : "";
            if (name.Length is 0 or > 40) errors.Add($"{at}[2]", "应为节日名称，1–40 个字符 (the holiday's name, 1–40 characters)");
            if (from is null || to is null || name.Length is 0 or > 40) continue;
            if (to < from) errors.Add($"{at}[1]", "止日早于起日 (the last day is before the first)");
            else holidays.Add(new Holiday(from.Value, to.Value, name));
        }
        var sorted = holidays.OrderBy(h => h.From).ToList();
        for (var k = 1; k < sorted.Count; k++)
            if (sorted[k].From <= sorted[k - 1].To)
                errors.Add($"{path}[{holidays.IndexOf(sorted[k])}]",
                    $"与“{sorted[k - 1].Name}”（{sorted[k - 1].From:yyyy-MM-dd} 至 {sorted[k - 1].To:yyyy-MM-dd}）重叠 (overlaps another holiday)");
        return sorted;
    }

    private static List<DateOnly> ReadWorkdays(int year, JsonElement document, List<Holiday> holidays, FieldErrors errors, string path)
    {
        var workdays = new List<DateOnly>();
        if (!document.TryGetProperty("workdays", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "必填：调休上班日期的列表，可为空 (required: a list of make-up workdays, may be empty)");
            return workdays;
        }
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (ReadDay(year, item, errors, at) is not { } day) continue;
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                errors.Add(at, $"{day:yyyy-MM-dd} 是工作日，调休上班日应为周六或周日 (a make-up workday falls on a weekend)");
            else if (holidays.FirstOrDefault(h => h.From <= day && day <= h.To) is { } holiday)
                errors.Add(at, $"{day:yyyy-MM-dd} 在“{holiday.Name}”假期内 (inside a holiday)");
            else if (workdays.Contains(day))
                errors.Add(at, $"{day:yyyy-MM-dd} 重复 (listed twice)");
            else workdays.Add(day);
        }
        workdays.Sort();
        return workdays;
    }

    private static DateOnly? ReadDay(int year, JsonElement value, FieldErrors errors, string at)
    {
        if (value.ValueKind != JsonValueKind.String
            || !DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add(at, "应为 YYYY-MM-DD 日期 (a date YYYY-MM-DD)");
            return null;
        }
        if (day.Year != year)
        {
            errors.Add(at, $"{day:yyyy-MM-dd} 不在 {year} 年内 (outside the year {year})");
            return null;
        }
        return day;
    }

    private static string Field(string path, string name) => path.Length > 0 ? $"{path}.{name}" : name;
}
