namespace Workflows.Testing;

/// <summary>What every test and benchmark host is configured with: the key ring (PersonalData:Keys), one ring so hosts
/// started by one test read each other's rows — for tests only, a deployment generates its own (README, Operating) — and
/// rate limits no story reaches.</summary>
public static class TestSettings
{
    public const string KeyId = "test1";
    public const string Key = "UPNNvUIj6vuxHIQTLmsaQqt8f55Shw+7T8fyHMOF/gQ=";
    public const string LookupKey = "iB7ZFEIX64I9QzeJ9zBu8ZID0SJFvv8NPEyDFSn41P8=";

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        [$"PersonalData:Keys:{KeyId}"] = Key,
        ["PersonalData:ActiveKey"] = KeyId,
        ["PersonalData:LookupKey"] = LookupKey,
        // Every test signs in as often as its story needs, all from one address; RateLimitTests set the real limits.
        ["RateLimits:LoginPerMinute"] = "100000",
        ["RateLimits:PublicPerMinute"] = "100000",
    };

    /// <summary>The same settings as command-line arguments.</summary>
    public static IEnumerable<string> Arguments => Settings.Select(s => $"--{s.Key}={s.Value}");
}
