using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Benefits;
using Workflows.Calendar;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.DataComparison;

public sealed record ComparisonAction(Guid CaseId, string Action);
public sealed record RowError(int Row, string Field, string Message);

/// <summary>What an import did: its rows and what became of them, the cases it acted on, the rows it could not read.
/// <c>Repeated</c>: the same file was imported before, and this is what it did then.</summary>
public sealed record ComparisonResult(Guid Id, string Kind, string RegionCode, int Rows, int Matched, int Unmatched, int AlreadyHandled,
    int Invalid, IReadOnlyList<ComparisonAction> Actions, IReadOnlyList<RowError> Errors, bool Repeated, DateTime At, string By);

/// <summary>
/// An outside list (API.md, Data comparison: <c>身份证号,姓名,日期,来源</c>, CSV or xlsx) compared by the keyed hash of each
/// ID number: a death list with the benefits of a region, an unemployment-insurance list with the open cases of procedures
/// that do not serve insured people. A row that cannot be read is reported by its number and the rest is processed; the
/// file as a whole — its rows, their results, and what it did to each case — is written in one transaction, and the same
/// file again does nothing more.
/// </summary>
public sealed class DataComparisons(WorkflowDb db, TimeProvider clock, CaseEngine engine)
{
    public static readonly string[] Columns = ["身份证号", "姓名", "日期", "来源"];
    public static readonly string[] ImporterRoles = [Roles.CountyOfficer, Roles.TownshipOfficer];
    public const int MaxRows = 500_000;
    private const int Chunk = 5000;
    private const int MaxErrorsShown = 200;

    private sealed record Line(int Row, string IdNumber, string Name, DateOnly Date, string Source);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<ComparisonResult> ImportAsync(string kind, string? regionCode, Stream body, bool xlsx, Actor actor, CancellationToken ct = default)
    {
        if (!ComparisonKinds.All.Contains(kind))
            throw new InvalidInput("kind", $"未知的比对类型 '{kind}'，可选：{string.Join(", ", ComparisonKinds.All)} (unknown kind)");
        var region = regionCode ?? "";
        if (!RegionCode.IsWellFormed(region) || RegionCode.LevelOf(region) is not (RegionLevel.City or RegionLevel.County or RegionLevel.Township))
            throw new InvalidInput("regionCode", "应为市、县或乡镇的区划代码 (a city's, county's or township's code)");
        if (!ImporterRoles.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", ImporterRoles)} (requires one of these roles).");
        if (!actor.Covers(region))
            throw new ForbiddenProblem($"regionCode {region} 不在您的辖区 {actor.RegionCode} 内 (outside your jurisdiction).");

        var path = Path.GetTempFileName();
        try
        {
            await using (var copy = File.Create(path)) await body.CopyToAsync(copy, ct);
            string sha;
            await using (var file = File.OpenRead(path)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
            if (await EarlierAsync(kind, region, sha, ct) is { } earlier) return earlier;
            var errors = new List<RowError>();
            var lines = Check(xlsx ? ReadXlsx(path) : ReadCsv(path), errors);
            return await ApplyAsync(kind, region, sha, lines, errors, actor, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The earlier import of the same file, answered as it was.</summary>
    private async Task<ComparisonResult?> EarlierAsync(string kind, string region, string sha, CancellationToken ct)
    {
        var earlier = await db.DataComparisons.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Kind == kind && c.RegionCode == region && c.Sha256 == sha, ct);
        return earlier is null ? null : await ResultAsync(db, earlier, repeated: true, ct);
    }

    public static async Task<ComparisonResult> ResultAsync(WorkflowDb db, DataComparisonRecord c, bool repeated, CancellationToken ct)
    {
        var actions = c.Kind == ComparisonKinds.Death
            ? await db.DeathMatches.AsNoTracking().Where(m => m.ComparisonId == c.Id).Select(m => m.CaseId).Distinct().ToListAsync(ct)
            : await db.DataComparisonRows.AsNoTracking().Where(r => r.ComparisonId == c.Id && r.Result == RowResults.Matched && r.CaseId != null)
                .Select(r => r.CaseId!.Value).Distinct().ToListAsync(ct);
        var errors = await db.DataComparisonRows.AsNoTracking().Where(r => r.ComparisonId == c.Id && r.Result == RowResults.Invalid)
            .OrderBy(r => r.Row).ThenBy(r => r.Id).Take(MaxErrorsShown).Select(r => new RowError(r.Row, r.Field ?? "", r.Message ?? ""))
            .ToListAsync(ct);
        return new ComparisonResult(c.Id, c.Kind, c.RegionCode, c.Rows, c.Matched, c.Unmatched, c.AlreadyHandled, c.Invalid,
            [.. actions.Order().Select(id => new ComparisonAction(id, ActionOf(c.Kind)))],
            errors,
            repeated, c.At, c.By);
    }

    private static string ActionOf(string kind) => kind == ComparisonKinds.Death ? "suspended" : "recheck";

    /// <summary>The rows as text, header checked: each a (row number, column → text) map.</summary>
    private static IEnumerable<(int Row, Func<string, string> Field)> ReadCsv(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions { Separator = ',', TrimWhitespace = true });
        csv.ReadHeader();
        var indexes = HeaderIndexes(csv.Headers.ToArray());
        while (csv.Read())
        {
            var values = Columns.ToDictionary(c => c, c => csv.GetString(indexes[c]));
            yield return ((int)csv.RowNumber, column => values[column]);
        }
    }

    private static IEnumerable<(int Row, Func<string, string> Field)> ReadXlsx(string path)
    {
        using var stream = File.OpenRead(path);
        var row = 0; // data rows are numbered from 1, as in a CSV list
        Dictionary<string, int>? indexes = null;
        foreach (IDictionary<string, object?> cells in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            var values = cells.Values.Select(Cell).ToArray();
            if (indexes is null)
            {
                indexes = HeaderIndexes([.. values.Select(v => v.Trim()).TakeWhile(v => v.Length > 0)]);
                continue;
            }
            row++;
            if (values.All(v => v.Length == 0)) continue;
            yield return (row, column => indexes[column] < values.Length ? values[indexes[column]].Trim() : "");
        }
        if (indexes is null) HeaderIndexes([]);
    }

    /// <summary>A cell as text; a date cell as YYYY-MM-DD, since a spreadsheet keeps dates as numbers.</summary>
    private static string Cell(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double n => n.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static Dictionary<string, int> HeaderIndexes(string[] headers)
    {
        var indexes = Columns.ToDictionary(c => c, c => Array.IndexOf(headers, c));
        if (indexes.Values.Any(i => i < 0) || headers.Except(Columns).Any())
            throw new InvalidInput("columns", $"比对名单的列应为 {string.Join(",", Columns)}；收到 {string.Join(",", headers)} " +
                                              "(the list's columns are wrong)");
        return indexes;
    }

    private List<Line> Check(IEnumerable<(int Row, Func<string, string> Field)> rows, List<RowError> errors)
    {
        var today = WorkingDayCalendar.ChinaDate(Now);
        var lines = new List<Line>();
        foreach (var (row, field) in rows)
        {
            if (lines.Count + errors.Count >= MaxRows)
                throw new InvalidInput("rows", $"一个文件最多 {MaxRows} 行，请分批导入 (at most {MaxRows} rows a file)");
            var id = IdNumber.Normalise(field("身份证号"));
            var ok = true;
            if (IdNumber.Problem(id, today) is { } problem) { errors.Add(new RowError(row, "身份证号", problem)); ok = false; }
            var name = field("姓名");
            if (name.Length is 0 or > 50) { errors.Add(new RowError(row, "姓名", "必填，最多 50 字 (required, at most 50 characters)")); ok = false; }
            if (!TryDate(field("日期"), out var date)) { errors.Add(new RowError(row, "日期", "应为日期 YYYY-MM-DD (a date)")); ok = false; }
            else if (date > today) { errors.Add(new RowError(row, "日期", $"晚于今天 {today:yyyy-MM-dd} (a date in the future)")); ok = false; }
            var source = field("来源");
            if (source.Length > 100) { errors.Add(new RowError(row, "来源", "最多 100 字 (at most 100 characters)")); ok = false; }
            if (ok) lines.Add(new Line(row, id, name, date, source.Length == 0 ? "数据比对" : source));
        }
        if (lines.Count == 0 && errors.Count == 0) throw new InvalidInput("rows", "名单没有数据行 (the list has no rows)");
        return lines;
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyy/M/d", "yyyyMMdd", "yyyy-M-d", "yyyy.M.d"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out date);

    private async Task<ComparisonResult> ApplyAsync(string kind, string region, string sha, List<Line> lines, List<RowError> errors,
        Actor actor, CancellationToken ct)
    {
        var comparison = new DataComparisonRecord
        {
            Id = Guid.CreateVersion7(), Kind = kind, RegionCode = region, Sha256 = sha,
            Rows = lines.Count + errors.Select(e => e.Row).Distinct().Count(), By = actor.Username, At = Now,
        };
        db.Database.SetCommandTimeout(Payroll.PayrollRuns.LongStatements);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.DataComparisons.Add(comparison);
        try
        {
            var acted = kind == ComparisonKinds.Death
                ? await MatchDeathsAsync(comparison, lines, actor, ct)
                : await MatchInsuredAsync(comparison, lines, actor, ct);
            comparison.Invalid = errors.Select(e => e.Row).Distinct().Count();
            db.DataComparisonRows.AddRange(errors.Select(e => new DataComparisonRowRecord
            {
                ComparisonId = comparison.Id, Row = e.Row, Result = RowResults.Invalid, Field = e.Field, Message = e.Message,
            }));
            await acted(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ConflictProblem("同一名单正由他人同时导入，请稍后查看结果 (the same list is being imported concurrently)", concurrent: true);
        }
        return await ResultAsync(db, comparison, repeated: false, ct);
    }

    /// <summary>A chunk's rows written and let go, inside the import's transaction: a county's list of a hundred thousand
    /// rows is never tracked at once. The comparison row stays tracked, its counts written with the last save.</summary>
    private async Task FlushAsync(DataComparisonRecord comparison, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        db.DataComparisons.Attach(comparison);
    }

    private void Counted(DataComparisonRecord comparison, string result)
    {
        switch (result)
        {
            case RowResults.Matched: comparison.Matched++; break;
            case RowResults.AlreadyHandled: comparison.AlreadyHandled++; break;
            default: comparison.Unmatched++; break;
        }
    }

    /// <summary>Each row against the persons the region's benefits keep; returns the save that applies the matches.</summary>
    private async Task<Func<CancellationToken, Task>> MatchDeathsAsync(DataComparisonRecord comparison, List<Line> lines, Actor actor,
        CancellationToken ct)
    {
        var cipher = db.Cipher ?? throw new InvalidOperationException("Comparing needs a context that seals personal data.");
        var region = comparison.RegionCode;
        var matches = new List<DeathMatchRecord>();
        var seen = new HashSet<(Guid, string)>();
        foreach (var chunk in lines.Chunk(Chunk))
        {
            var hashed = chunk.Select(l => (Line: l, Person: cipher.Lookup(l.IdNumber))).ToList();
            var persons = hashed.Select(h => h.Person).Distinct().ToList();
            var recipients = await db.BenefitPersons.AsNoTracking().Where(p => persons.Contains(p.Person))
                .Join(db.Benefits.AsNoTracking(), p => p.BenefitId, b => b.Id, (p, b) => new { p.Person, p.Relation, p.CaseId, Benefit = b })
                .Where(x => x.Benefit.RegionCode.StartsWith(region) && x.Benefit.Status != BenefitStatus.Ended)
                .ToListAsync(ct);
            var caseIds = recipients.Select(r => r.CaseId).Distinct().ToList();
            var handled = (await db.DeathMatches.AsNoTracking()
                .Where(m => caseIds.Contains(m.CaseId) && persons.Contains(m.Person) && m.Status != MatchStatus.Disputed)
                .Select(m => new { m.CaseId, m.Person }).ToListAsync(ct)).Select(m => (m.CaseId, m.Person)).ToHashSet();
            foreach (var (line, person) in hashed)
            {
                var result = RowResults.Unmatched;
                Guid? firstCase = null;
                foreach (var recipient in recipients.Where(r => r.Person == person))
                {
                    firstCase ??= recipient.CaseId;
                    if (handled.Contains((recipient.CaseId, person)) || !seen.Add((recipient.CaseId, person)))
                    {
                        if (result == RowResults.Unmatched) result = RowResults.AlreadyHandled;
                        continue;
                    }
                    result = RowResults.Matched;
                    matches.Add(new DeathMatchRecord
                    {
                        Id = Guid.CreateVersion7(), ComparisonId = comparison.Id, CaseId = recipient.CaseId, BenefitId = recipient.Benefit.Id,
                        Person = person, Name = line.Name, Relation = recipient.Relation, DiedOn = line.Date, Source = line.Source,
                        SuspendedFromPeriod = Period.After(Period.Of(line.Date), 1),
                    });
                }
                Counted(comparison, result);
                db.DataComparisonRows.Add(new DataComparisonRowRecord
                {
                    ComparisonId = comparison.Id, Row = line.Row, Person = person, MaskedIdNumber = IdNumber.Mask(line.IdNumber),
                    Name = line.Name, Date = line.Date, Source = line.Source, Result = result, CaseId = firstCase,
                });
            }
            await FlushAsync(comparison, ct);
        }
        return async token =>
        {
            if (matches.Count > 0) await engine.ApplyDeathMatchesAsync(matches, actor, token);
            else await db.SaveChangesAsync(token);
        };
    }

    /// <summary>Each row kept as an insured person of the province; the open cases of a procedure that does not serve
    /// insured people (<c>refusedIfListed</c>) — found by their once-per claim — get a re-check, one open at a time.</summary>
    private async Task<Func<CancellationToken, Task>> MatchInsuredAsync(DataComparisonRecord comparison, List<Line> lines, Actor actor,
        CancellationToken ct)
    {
        var cipher = db.Cipher ?? throw new InvalidOperationException("Comparing needs a context that seals personal data.");
        var region = comparison.RegionCode;
        var matches = new List<(Guid, InsuredPersonRecord)>();
        foreach (var chunk in lines.Chunk(Chunk))
        {
            var hashed = chunk.Select(l => (Line: l, Person: cipher.Lookup(l.IdNumber))).ToList();
            var persons = hashed.Select(h => h.Person).Distinct().ToList();
            var open = await (from claim in db.OncePerClaims.AsNoTracking()
                              join c in db.Cases.AsNoTracking() on claim.CaseId equals c.Id
                              where persons.Contains(claim.Subject) && c.Status == Cases.CaseStatus.Open && c.RegionCode.StartsWith(region)
                              select new { claim.Subject, c.Id, c.DefinitionVersionId }).ToListAsync(ct);
            var served = new List<(string Subject, Guid Id)>();
            foreach (var c in open)
                if ((await engine.Catalog.GetAsync(db, c.DefinitionVersionId, ct)).Definition.RefusedIfListed.Contains(comparison.Kind))
                    served.Add((c.Subject, c.Id));
            var ids = served.Select(c => c.Id).ToList();
            var rechecking = (await db.Tasks.AsNoTracking()
                .Where(t => ids.Contains(t.CaseId) && t.Step == InsuranceRecheck.Step && t.Status == Tasks.TaskStatus.Open)
                .Select(t => t.CaseId).ToListAsync(ct)).ToHashSet();
            foreach (var (line, person) in hashed)
            {
                var listed = new InsuredPersonRecord
                {
                    ComparisonId = comparison.Id, Person = person, ProvinceCode = RegionCode.ProvinceOf(region), Since = line.Date, Source = line.Source,
                };
                db.InsuredPersons.Add(listed);
                var result = RowResults.Unmatched;
                Guid? firstCase = null;
                foreach (var (_, caseId) in served.Where(c => c.Subject == person))
                {
                    firstCase ??= caseId;
                    if (!rechecking.Add(caseId)) { if (result == RowResults.Unmatched) result = RowResults.AlreadyHandled; continue; }
                    result = RowResults.Matched;
                    matches.Add((caseId, listed));
                }
                Counted(comparison, result);
                db.DataComparisonRows.Add(new DataComparisonRowRecord
                {
                    ComparisonId = comparison.Id, Row = line.Row, Person = person, MaskedIdNumber = IdNumber.Mask(line.IdNumber),
                    Name = line.Name, Date = line.Date, Source = line.Source, Result = result, CaseId = firstCase,
                });
            }
            await FlushAsync(comparison, ct);
        }
        return async token =>
        {
            if (matches.Count > 0) await engine.ApplyInsuranceMatchesAsync(matches, actor, token);
            else await db.SaveChangesAsync(token);
        };
    }
}
