namespace Workflows.Applicants;

/// <summary>Resident identity numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.</summary>
public static class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Null when valid, else why not (in the words an official would understand). <paramref name="today"/> bounds the
    /// birth date it carries: nobody applying was born after today.</summary>
    public static string? Problem(string? value, DateOnly? today = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return "身份证号码必填 (ID number is required)";
        if (value.Length != 18) return "身份证号码应为 18 位 (ID number must have 18 characters)";
        if (!value[..17].All(char.IsAsciiDigit)) return "身份证号码前 17 位应为数字 (the first 17 characters must be digits)";
        if (!DateOnly.TryParseExact(value.Substring(6, 8), "yyyyMMdd", out var born))
            return "身份证号码中的出生日期无效 (the birth date inside the ID number is not a date)";
        if (today is { } day && born > day)
            return "身份证号码中的出生日期晚于今天 (the birth date inside the ID number lies in the future)";
        if (char.ToUpperInvariant(value[17]) != CheckDigit(value))
            return "身份证号码校验位错误 (GB 11643 check digit does not match)";
        return null;
    }

    public static char CheckDigit(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckCharacters[sum % 11];
    }

    public static string Normalise(string value) => value.Trim().ToUpperInvariant();

    /// <summary>First 6 and last 4 kept, as public notices require.</summary>
    public static string Mask(string? value) =>
        value is { Length: 18 } ? value[..6] + new string('*', 8) + value[^4..] : "****";
}
