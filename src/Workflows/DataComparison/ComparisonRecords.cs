namespace Workflows.DataComparison;

public static class ComparisonKinds
{
    /// <summary>A death register (殡葬、公安、卫健): no one is paid after death (002 §六).</summary>
    public const string Death = "death";
    /// <summary>People insured against unemployment (人社): not within the aid for uninsured unemployed people (003 §六(一),
    /// 004 §五(一)).</summary>
    public const string UnemploymentInsurance = "unemployment-insurance";
    public static readonly string[] All = [Death, UnemploymentInsurance];
}

public static class RowResults
{
    /// <summary>A current recipient: their benefit was suspended and the township asked to confirm.</summary>
    public const string Matched = "matched";
    public const string Unmatched = "unmatched";
    /// <summary>Matched before, by this file or an earlier one: nothing done again.</summary>
    public const string AlreadyHandled = "already-handled";
    /// <summary>A row that could not be read (its errors say why); the rest of the file was processed.</summary>
    public const string Invalid = "invalid";
}

/// <summary>One imported list, kept for audit with its figures; the same file again for the same kind and region
/// (its SHA-256) answers with this and changes nothing.</summary>
public sealed class DataComparisonRecord
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public int Rows { get; set; }
    public int Matched { get; set; }
    public int Unmatched { get; set; }
    public int AlreadyHandled { get; set; }
    public int Invalid { get; set; }
    public string By { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>Each row of an imported list and what became of it. The ID number is kept only as its keyed hash and masked.</summary>
public sealed class DataComparisonRowRecord
{
    public long Id { get; set; }
    public Guid ComparisonId { get; set; }
    public int Row { get; set; }
    public string Person { get; set; } = "";
    public string MaskedIdNumber { get; set; } = "";
    public string Name { get; set; } = "";
    public DateOnly? Date { get; set; }
    public string Source { get; set; } = "";
    public string Result { get; set; } = "";
    /// <summary>For an invalid row, one row per problem: the column and what is wrong.</summary>
    public string? Field { get; set; }
    public string? Message { get; set; }
    public Guid? CaseId { get; set; }
}

public static class MatchStatus
{
    public const string Open = "open";
    public const string Confirmed = "confirmed";
    public const string Disputed = "disputed";
}

/// <summary>A recipient a death list named: their case's benefit is suspended from the month after the date until the
/// township confirms or disputes it. (Case, person) is unique: a person is matched once per case, whatever files name them.</summary>
public sealed class DeathMatchRecord
{
    public Guid Id { get; set; }
    public Guid ComparisonId { get; set; }
    public Guid CaseId { get; set; }
    public Guid BenefitId { get; set; }
    public string Person { get; set; } = "";
    public string Name { get; set; } = "";
    public string Relation { get; set; } = "";
    public DateOnly DiedOn { get; set; }
    public string Source { get; set; } = "";
    /// <summary>The first month not paid, YYYY-MM: the month after the date.</summary>
    public string SuspendedFromPeriod { get; set; } = "";
    public string Status { get; set; } = MatchStatus.Open;
    public Guid TaskId { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
}

/// <summary>A person an unemployment-insurance list names as insured (日期: since when), kept for the province: a procedure
/// that refuses insured people (<c>refusedIfListed</c>) checks new applications against it.</summary>
public sealed class InsuredPersonRecord
{
    public long Id { get; set; }
    public Guid ComparisonId { get; set; }
    public string Person { get; set; } = "";
    public string ProvinceCode { get; set; } = "";
    public DateOnly Since { get; set; }
    public string Source { get; set; } = "";
}
