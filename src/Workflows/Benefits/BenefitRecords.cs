namespace Workflows.Benefits;

public static class BenefitStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Ended = "ended";
}

/// <summary>
/// 待遇: what a recurring programme pays a case every month — the monthly amount with its basis, from which month, until
/// which (a gradual exit 渐退 sets it), and whether it is active. A case holds at most one (a unique index). The money
/// itself comes from the county's payroll runs, one payment per benefit and month; the case's steps only grant, change
/// and end the benefit.
/// </summary>
public sealed class BenefitRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string Procedure { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public long MonthlyAmountFen { get; set; }
    /// <summary>How the amount was reached: the expression, its inputs and the result, as a payment's basis.</summary>
    public string BasisJson { get; set; } = "{}";
    /// <summary>The first month paid, YYYY-MM.</summary>
    public string FromPeriod { get; set; } = "";
    /// <summary>The last month paid, YYYY-MM; null while it runs on.</summary>
    public string? UntilPeriod { get; set; }
    public string Status { get; set; } = BenefitStatus.Active;
    /// <summary>While suspended: the first month not paid (YYYY-MM; a death reported, held from the month after it);
    /// months before it are still paid. Null while active, or suspended outright.</summary>
    public string? SuspendedFromPeriod { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Every change of a benefit, with who and why: granted, changed by a review, gradual exit, ended.</summary>
public sealed class BenefitChangeRecord
{
    public long Id { get; set; }
    public Guid BenefitId { get; set; }
    public Guid CaseId { get; set; }
    public DateTime At { get; set; }
    public string Change { get; set; } = "";
    public long MonthlyAmountFen { get; set; }
    public string? UntilPeriod { get; set; }
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
    public string By { get; set; } = "";

    /// <summary>The benefit as it stands after the change.</summary>
    public static BenefitChangeRecord Of(BenefitRecord benefit, string change, string? reason, string by, DateTime at) => new()
    {
        BenefitId = benefit.Id, CaseId = benefit.CaseId, At = at, Change = change, MonthlyAmountFen = benefit.MonthlyAmountFen,
        UntilPeriod = benefit.UntilPeriod, Status = benefit.Status, Reason = reason, By = by,
    };
}
