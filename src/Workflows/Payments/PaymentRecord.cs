namespace Workflows.Payments;

public static class PaymentStatus
{
    public const string Pending = "pending";
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
    public string? Period { get; set; }
    public int Instalment { get; set; }
    /// <summary>The period, or "#n" for the n-th instalment of a one-off amount.</summary>
    public string PaymentKey { get; set; } = "";
    public long AmountFen { get; set; }
    public string Status { get; set; } = PaymentStatus.Pending;
    public DateTime CreatedAt { get; set; }
    /// <summary>How the amount was reached: the expression, its inputs and the result.</summary>
    public string BasisJson { get; set; } = "{}";

    public static string KeyFor(string? period, int instalment) => period ?? $"#{instalment}";
}
