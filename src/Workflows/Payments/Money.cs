namespace Workflows.Payments;

/// <summary>Money is stored as integer fen (分) and shown as yuan with at most two decimals.</summary>
public static class Money
{
    public static long ToFen(decimal yuan)
    {
        if (decimal.Round(yuan, 2) != yuan) throw new ArgumentException($"{yuan} has more than 2 decimals");
        return (long)(yuan * 100m);
    }

    public static decimal ToYuan(long fen) => fen / 100m;

    /// <summary>No single payment, allocation or bank row is this large: above it an input is a mistake, not money.</summary>
    public const decimal MaxYuan = 1_000_000_000m;

    /// <summary>An amount of money as every input must give it: yuan with at most 2 decimals, not negative (or, when
    /// <paramref name="zeroAllowed"/> is false, above zero), and not beyond <see cref="MaxYuan"/>.</summary>
    public static bool IsAmount(decimal yuan, bool zeroAllowed = false) =>
        (zeroAllowed ? yuan >= 0 : yuan > 0) && yuan <= MaxYuan && decimal.Round(yuan, 2) == yuan;
}
