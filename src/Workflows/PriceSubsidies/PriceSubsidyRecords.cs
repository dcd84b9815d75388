namespace Workflows.PriceSubsidies;

/// <summary>The recipients a price subsidy may cover (000 §一, 001 §一(二), 003 §一(二), 004 §四(三)), each a programme's
/// benefit: 低保, 特困, orphans, de-facto unsupported children.</summary>
public static class SubsidyCategories
{
    public const string Dibao = "dibao";
    public const string Tekun = "tekun";
    public const string Orphan = "orphan";
    public const string UnsupportedChild = "unsupported-child";

    public static readonly string[] All = [Dibao, Tekun, Orphan, UnsupportedChild];

    /// <summary>The procedure whose benefits a category covers (orphans and unsupported children share one, told apart by
    /// the case's <c>data.childType</c>).</summary>
    public static string ProcedureOf(string category) => category switch
    {
        Orphan or UnsupportedChild => "orphan-support",
        _ => category,
    };
}

/// <summary>
/// 价格临时补贴: a city or county pays every covered recipient a per-person amount for one month, because the price index
/// met its trigger. Started once per region and month; districts of a city may pay above its rate. Each covered case gets
/// one payment (persons × rate), which the county pays in a payroll run of its own; each person is paid once per month
/// whatever case lists them (<see cref="PriceSubsidyShareRecord"/>, a unique key).
/// </summary>
public sealed class PriceSubsidyRecord
{
    public Guid Id { get; set; }
    /// <summary>The city (4 digits) or county (6) that started it.</summary>
    public string RegionCode { get; set; } = "";
    public string Period { get; set; } = "";
    public long AmountPerPersonFen { get; set; }
    /// <summary>Comma-separated <see cref="SubsidyCategories"/>.</summary>
    public string Categories { get; set; } = "";
    /// <summary>A JSON array of {regionCode, amountPerPerson}: the counties of a city that pay more than its rate.</summary>
    public string RatesJson { get; set; } = "[]";
    public int Cases { get; set; }
    public int Persons { get; set; }
    public long TotalFen { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>One person's share of a month's subsidy. (Period, Person) is unique: nobody is paid twice for a month, by two
/// cases or two subsidies.</summary>
public sealed class PriceSubsidyShareRecord
{
    public long Id { get; set; }
    public Guid SubsidyId { get; set; }
    public string Period { get; set; } = "";
    /// <summary>The person's keyed hash (<see cref="PersonalData.PersonalDataCipher.Lookup"/>), never the ID number.</summary>
    public string Person { get; set; } = "";
    public Guid CaseId { get; set; }
    public long AmountFen { get; set; }
}
