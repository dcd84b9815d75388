namespace Workflows.Payroll;

public static class PayrollRunStatus
{
    /// <summary>Drawn up: its payments are fixed, waiting for a second official's approval.</summary>
    public const string Draft = "draft";
    /// <summary>Approved by someone other than its creator (四眼原则); finance may download the bank file.</summary>
    public const string Approved = "approved";
    /// <summary>Its bank file was downloaded; its payments are with the bank.</summary>
    public const string Sent = "sent";
    /// <summary>The bank's return gave every payment a result.</summary>
    public const string Reconciled = "reconciled";
}

/// <summary>
/// A county's payroll run (月度发放) for one month: every payment of the county due that month, taken to the bank in one
/// file. One regular run per county and period (a unique index); supplementary runs take the month's failed payments
/// whose account was corrected since.
/// </summary>
public sealed class PayrollRunRecord
{
    public Guid Id { get; set; }
    /// <summary>The county (6 digits).</summary>
    public string RegionCode { get; set; } = "";
    public string Period { get; set; } = "";
    public bool Supplementary { get; set; }
    /// <summary>A run that pays one price subsidy's payments of the county, and nothing else.</summary>
    public Guid? PriceSubsidyId { get; set; }
    public string Status { get; set; } = PayrollRunStatus.Draft;
    /// <summary>The control totals fixed when the run was drawn up; every later step checks them.</summary>
    public int Count { get; set; }
    public long TotalFen { get; set; }
    /// <summary>A JSON array of {procedure, count, total}.</summary>
    public string ByProcedureJson { get; set; } = "[]";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? ReconciledAt { get; set; }
    public int PaidCount { get; set; }
    public long PaidFen { get; set; }
    public int FailedCount { get; set; }
    public long FailedFen { get; set; }
}

/// <summary>Every download of a run's bank file (who, when, what), for the audit: the file is money leaving.</summary>
public sealed class BankFileDownloadRecord
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public string Format { get; set; } = "";
    public string Encoding { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public int Count { get; set; }
    public long TotalFen { get; set; }
    public string By { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>Every bank return imported into a run, with what it did.</summary>
public sealed class BankReturnRecord
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public string Sha256 { get; set; } = "";
    public int Rows { get; set; }
    public int Paid { get; set; }
    public int Failed { get; set; }
    public int Unmatched { get; set; }
    public int Mismatched { get; set; }
    public string By { get; set; } = "";
    public DateTime At { get; set; }
}
