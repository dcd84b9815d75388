using System.Globalization;
using System.Text;
using CsvHelper;
using MiniExcelLibs;
using Workflows.Runtime;

namespace Workflows.Reports;

/// <summary>A report written to a temporary file for the caller to send and delete: rows are written as they are read, so
/// a ledger of a million payments never sits in memory.</summary>
public sealed record ReportFile(string Path, string FileName, string ContentType) : IDisposable
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public void Dispose() => File.Delete(Path);

    /// <summary><paramref name="format"/> xlsx: the form as the seed prints it — its title lines, its header rows, then the
    /// rows. csv (UTF-8, for machines): the last header row as column names, then the rows.</summary>
    public static ReportFile Write(string format, string name, IReadOnlyList<string> title, IReadOnlyList<string[]> header,
        IEnumerable<object?[]> rows, string sheet)
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            if (format == "csv") WriteCsv(path, header[^1], rows);
            else WriteXlsx(path, title, header, rows, sheet);
            return new ReportFile(path, $"{name}.{format}", format == "csv" ? "text/csv; charset=utf-8" : XlsxType);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public static string CheckedFormat(string? format, params string[] allowed)
    {
        var chosen = format ?? allowed[0];
        return allowed.Contains(chosen) ? chosen
            : throw new InvalidInput("format", $"应为 {string.Join(" 或 ", allowed)} (one of {string.Join(", ", allowed)})");
    }

    private static void WriteCsv(string path, string[] columns, IEnumerable<object?[]> rows)
    {
        using var file = File.Create(path);
        using var text = new StreamWriter(file, new UTF8Encoding(false));
        using var csv = CsvWriter.Create(text, new CsvWriterOptions(), leaveOpen: true);
        csv.WriteRecord(columns);
        foreach (var row in rows) csv.WriteRecord(row.Select(Text).ToArray());
        csv.Flush();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString("0.00", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void WriteXlsx(string path, IReadOnlyList<string> title, IReadOnlyList<string[]> header, IEnumerable<object?[]> rows,
        string sheet)
    {
        var width = header.Max(h => h.Length);
        IEnumerable<Dictionary<string, object?>> Lines()
        {
            foreach (var line in title) yield return Cells([line], width);
            foreach (var line in header) yield return Cells(line, width);
            foreach (var row in rows) yield return Cells(row, width);
        }
        using var file = File.Create(path);
        file.SaveAs(Lines(), printHeader: false, sheetName: sheet);
    }

    /// <summary>A row of a sheet written without a header: cells keyed by column letter, every row as wide as the form.</summary>
    private static Dictionary<string, object?> Cells(IReadOnlyList<object?> values, int width)
    {
        var cells = new Dictionary<string, object?>(width);
        for (var i = 0; i < width; i++) cells[Column(i)] = i < values.Count ? values[i] : null;
        return cells;
    }

    private static string Column(int index) => index < 26 ? ((char)('A' + index)).ToString() : Column(index / 26 - 1) + (char)('A' + index % 26);
}
