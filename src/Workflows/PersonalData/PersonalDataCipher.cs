using System.Security.Cryptography;
using System.Text;

namespace Workflows.PersonalData;

/// <summary>
/// Seals what identifies or pays a person (ID numbers, bank accounts, phones, and the documents that carry them) with
/// authenticated encryption (AES-256-GCM, a fresh nonce per value), and names a value by a keyed hash (HMAC-SHA256) where
/// the database must compare or constrain it without reading it. A sealed value reads <c>enc:{keyId}:{base64}</c>, so
/// the key it needs travels with it: rows sealed under an older key stay readable, and a value written before sealing
/// existed (no prefix) is read as it is until the reseal command seals it.
/// </summary>
public sealed class PersonalDataCipher(KeyRing ring)
{
    private const string Prefix = "enc:";
    private const string LookupPrefix = "h1:";
    private const int NonceBytes = 12, TagBytes = 16;

    public KeyRing Ring => ring;

    /// <summary>The ring's fingerprint: contexts whose ciphers share it share one model.</summary>
    public string Fingerprint { get; } = ring.Fingerprint();

    /// <summary>The sealed form; empty stays empty, so "has none" is still a plain comparison in SQL.</summary>
    public string Seal(string value)
    {
        if (value.Length == 0) return value;
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        Aes(ring.Active).Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return $"{Prefix}{ring.Active}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The value a seal holds. A value altered in the database, or sealed under a key this ring lacks, is refused
    /// rather than read wrong.</summary>
    public string Open(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var separator = stored.IndexOf(':', Prefix.Length);
        if (separator < 0) throw new CryptographicException("A sealed value without its key id.");
        var keyId = stored[Prefix.Length..separator];
        if (!ring.Keys.ContainsKey(keyId))
            throw new CryptographicException($"Personal data sealed under key '{keyId}', which this host's key ring lacks " +
                                             "(PersonalData:KeyFile or PersonalData:Keys must hold every key still in use).");
        var sealedBytes = Convert.FromBase64String(stored[(separator + 1)..]);
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("A sealed value too short to be one.");
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        Aes(keyId).Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain);
        return Encoding.UTF8.GetString(plain);
    }

    // One AES-GCM context per key and thread, made once: making one per value (its key schedule and native context) cost
    // more than sealing a case's document with it. An instance is not to be shared between threads at once.
    [ThreadStatic] private static Dictionary<(PersonalDataCipher, string), AesGcm>? _contexts;

    private AesGcm Aes(string keyId)
    {
        _contexts ??= new();
        if (!_contexts.TryGetValue((this, keyId), out var aes)) _contexts[(this, keyId)] = aes = new AesGcm(ring.Keys[keyId], TagBytes);
        return aes;
    }

    /// <summary>True when the value is sealed under the active key (nothing for the reseal command to do).</summary>
    public bool IsCurrent(string? stored) =>
        string.IsNullOrEmpty(stored) || stored.StartsWith($"{Prefix}{ring.Active}:", StringComparison.Ordinal);

    /// <summary>The keyed hash that stands for a value in equality look-ups and unique keys: the same value always gives the
    /// same hash, and nobody without the lookup key can test a guess against it.</summary>
    public string Lookup(string value) =>
        LookupPrefix + Convert.ToBase64String(HMACSHA256.HashData(ring.LookupKey, Encoding.UTF8.GetBytes(value)));

    public static bool IsLookup(string value) => value.StartsWith(LookupPrefix, StringComparison.Ordinal);
}
