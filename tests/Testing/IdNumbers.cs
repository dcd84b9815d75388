using Workflows.Applicants;

namespace Workflows.Testing;

/// <summary>Distinct valid ID numbers for test applicants.</summary>
public static class IdNumbers
{
    private static int _next;

    public static string Make(string region6, DateOnly birth, int sequence)
    {
        var first17 = $"{region6}{birth:yyyyMMdd}{sequence % 1000:D3}";
        return first17 + IdNumber.CheckDigit(first17);
    }

    public static string Next(string region6 = "220102")
    {
        var n = Interlocked.Increment(ref _next);
        return Make(region6, new DateOnly(1970, 1, 1).AddDays(n / 1000), n % 1000);
    }
}
