namespace Workflows.ReserveFunds;

public static class ReserveFundEntryKind
{
    /// <summary>Money the county puts into the township's fund.</summary>
    public const string Allocation = "allocation";
    /// <summary>先行救助 paid at once from the fund.</summary>
    public const string Payment = "payment";
    /// <summary>Money the township gives back to the county.</summary>
    public const string Return = "return";
}

/// <summary>
/// A township's reserve fund for temporary assistance (临时救助备用金). Its balance never goes below zero: a check
/// constraint of the database refuses it, and the version refuses two debits that read the same balance.
/// </summary>
public sealed class ReserveFundRecord
{
    public string TownshipCode { get; set; } = "";
    public long BalanceFen { get; set; }
    public int Version { get; set; }
}

/// <summary>One line of a fund's ledger, with the balance after it: the ledger explains the balance line by line.</summary>
public sealed class ReserveFundEntryRecord
{
    public long Id { get; set; }
    public string TownshipCode { get; set; } = "";
    public DateTime At { get; set; }
    public string Kind { get; set; } = "";
    /// <summary>Positive for an allocation, negative for a payment or a return.</summary>
    public long AmountFen { get; set; }
    public Guid? CaseId { get; set; }
    public long BalanceAfterFen { get; set; }
    public string By { get; set; } = "";
    public string? Note { get; set; }
}
