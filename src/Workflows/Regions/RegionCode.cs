namespace Workflows.Regions;

/// <summary>Administrative levels and the national division code lengths that name them.</summary>
public enum RegionLevel { Country = 0, Province = 2, City = 4, County = 6, Township = 9, Village = 12 }

public static class RegionCode
{
    private static readonly int[] Lengths = [0, 2, 4, 6, 9, 12];

    public static bool IsWellFormed(string? code) =>
        code is not null && Lengths.Contains(code.Length) && code.All(char.IsAsciiDigit);

    public static RegionLevel LevelOf(string code) => (RegionLevel)code.Length;

    public static string? ParentOf(string code)
    {
        var index = Array.IndexOf(Lengths, code.Length);
        return index <= 0 ? null : code[..Lengths[index - 1]];
    }

    public static string ProvinceOf(string code) => code.Length >= 2 ? code[..2] : code;

    /// <summary>The region at <paramref name="level"/> that contains <paramref name="code"/>, or the code itself
    /// when it is not that deep (a township-filed case has no village).</summary>
    public static string AtLevel(string code, RegionLevel level) =>
        code.Length > (int)level ? code[..(int)level] : code;

    /// <summary>The code itself and every region above it, most specific first, ending with the country ("").</summary>
    public static IEnumerable<string> SelfAndAncestors(string code)
    {
        for (string? c = code; c is not null; c = ParentOf(c)) yield return c;
    }

    public static bool TryParseLevel(string? name, out RegionLevel level) =>
        Enum.TryParse(name, ignoreCase: true, out level) && Enum.IsDefined(level) && !int.TryParse(name, out _);

    public static string NameOf(RegionLevel level) => level.ToString().ToLowerInvariant();
}
