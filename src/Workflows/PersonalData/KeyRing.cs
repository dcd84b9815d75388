using System.Security.Cryptography;
using System.Text.Json;

namespace Workflows.PersonalData;

/// <summary>
/// The keys personal data is sealed with: every key that sealed something still held (so old rows stay readable while a
/// new key is brought in), the one new seals use, and the key of the keyed hash behind equality look-ups and unique keys
/// (a once-per claim). The hash key is kept for the life of the data: changing it would orphan every claim. Keys come
/// from configuration or a key file, never from the database they protect.
/// </summary>
public sealed class KeyRing
{
    public const int KeyBytes = 32;
    public IReadOnlyDictionary<string, byte[]> Keys { get; }
    public string Active { get; }
    public byte[] LookupKey { get; }

    public KeyRing(IReadOnlyDictionary<string, byte[]> keys, string active, byte[] lookupKey)
    {
        if (keys.Count == 0) throw new ArgumentException("A key ring needs at least one key.", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (!IsKeyId(id)) throw new ArgumentException($"Key id '{id}' must be 1–32 letters, digits, '-' or '_'.", nameof(keys));
            if (key.Length != KeyBytes) throw new ArgumentException($"Key '{id}' must be {KeyBytes} bytes (base64 of 32 random bytes).", nameof(keys));
        }
        if (!keys.ContainsKey(active)) throw new ArgumentException($"The active key '{active}' is not in the ring.", nameof(active));
        if (lookupKey.Length != KeyBytes) throw new ArgumentException($"The lookup key must be {KeyBytes} bytes.", nameof(lookupKey));
        (Keys, Active, LookupKey) = (keys, active, lookupKey);
        ChainKey = HMACSHA256.HashData(lookupKey, "audit-chain-v1"u8);
    }

    /// <summary>The key of the history's hash chain (derived from the lookup key, and kept as long): someone who can write
    /// the database but has no key cannot compute the hash of a row they altered.</summary>
    public byte[] ChainKey { get; }

    /// <summary>Names this ring's contents without revealing them: two hosts with the same keys have the same fingerprint.</summary>
    public string Fingerprint()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (id, key) in Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(id + "\n"));
            sha.AppendData(key);
        }
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes("active:" + Active + "\n"));
        sha.AppendData(LookupKey);
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    private static bool IsKeyId(string id) =>
        id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A key file: <c>{"active": "k1", "keys": {"k1": "base64…"}, "lookup": "base64…"}</c>.</summary>
    public static KeyRing ReadFile(string json)
    {
        var file = JsonSerializer.Deserialize<KeyFile>(json, JsonSerializerOptions.Web)
                   ?? throw new FormatException("The key file is empty.");
        if (file.Keys is not { Count: > 0 } || string.IsNullOrEmpty(file.Active) || string.IsNullOrEmpty(file.Lookup))
            throw new FormatException("A key file needs \"active\", \"keys\" and \"lookup\".");
        return new KeyRing(file.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value)), file.Active,
            Convert.FromBase64String(file.Lookup));
    }

    public string ToFile() => JsonSerializer.Serialize(new KeyFile(Active, Keys.ToDictionary(k => k.Key, k => Convert.ToBase64String(k.Value)),
        Convert.ToBase64String(LookupKey)), new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true });

    /// <summary>A new ring of fresh random keys.</summary>
    public static KeyRing Generate(string id) =>
        new(new Dictionary<string, byte[]> { [id] = RandomNumberGenerator.GetBytes(KeyBytes) }, id, RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>This ring with one more key, the one new seals use from now on.</summary>
    public KeyRing WithNewActiveKey(string id) =>
        new(new Dictionary<string, byte[]>(Keys) { [id] = RandomNumberGenerator.GetBytes(KeyBytes) }, id, LookupKey);

    private sealed record KeyFile(string Active, Dictionary<string, string> Keys, string Lookup);
}
