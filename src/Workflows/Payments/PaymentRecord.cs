namespace Workflows.Payments;

public static class PaymentStatus
{
    /// <summary>Not yet in a bank file.</summary>
    public const string Pending = "pending";
    /// <summary>In a bank file that finance downloaded for the bank; the bank's return says what became of it.</summary>
    public const string Sent = "sent";
    public const string Paid = "paid";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>One payment of a case. (CaseId, PaymentKey) is unique in the database: money goes out once
/// per case per period or instalment, whatever the code above does.</summary>
public sealed class PaymentRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string RegionCode { get; set; } = "";
    /// <summary>The case's procedure: a run's totals and the reports count money by programme without a join.</summary>
    public string Procedure { get; set; } = "";
    public string? Period { get; set; }
    public int Instalment { get; set; }
    /// <summary>The period, or "#n" for the n-th instalment of a one-off amount.</summary>
    public string PaymentKey { get; set; } = "";
    public long AmountFen { get; set; }
    public string Status { get; set; } = PaymentStatus.Pending;
    public DateTime CreatedAt { get; set; }
    /// <summary>How the amount was reached: the expression, its inputs and the result.</summary>
    public string BasisJson { get; set; } = "{}";

    /// <summary>To whom, as the case named them when the payment was made: what the bank file carries.</summary>
    public string PayeeName { get; set; } = "";
    public string PayeeIdNumber { get; set; } = "";
    public string? BankAccount { get; set; }
    /// <summary>When a failed payment's account was corrected: a supplementary run may then send it again.</summary>
    public DateTime? BankAccountCorrectedAt { get; set; }

    /// <summary>The price subsidy (价格临时补贴) this payment is a case's share of: only that subsidy's own payroll run takes it.</summary>
    public Guid? PriceSubsidyId { get; set; }

    /// <summary>The payroll run (月度发放) that takes it to the bank; null while no run has.</summary>
    public Guid? RunId { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>When the bank's return said paid or failed.</summary>
    public DateTime? ResultAt { get; set; }
    public string? FailureReason { get; set; }

    public static string KeyFor(string? period, int instalment) => period ?? $"#{instalment}";
}
