using Microsoft.EntityFrameworkCore;
using Workflows.PersonalData;
using Workflows.Persistence;

namespace Workflows.Host.Setup;

/// <summary>
/// Where the key ring comes from (README, Operating): <c>PersonalData:KeyFile</c> (a file only the service's user reads),
/// or <c>PersonalData:Keys:{id}</c> with <c>PersonalData:ActiveKey</c> and <c>PersonalData:LookupKey</c> (base64 of 32
/// bytes each, e.g. from a secret store through environment variables). The embedded database with neither gets a key
/// file of its own beside it on first start; a PostgreSQL deployment must say where its keys are.
/// </summary>
public static class PersonalDataKeys
{
    public const string CanaryKey = "personal-data.canary";
    private const string Canary = "这一行由本服务的密钥加密 (sealed by this service's keys)";

    public static KeyRing Load(IConfiguration configuration)
    {
        var section = configuration.GetSection("PersonalData");
        if (section["KeyFile"] is { Length: > 0 } path) return ReadOrCreate(path, create: false);
        var keys = section.GetSection("Keys").GetChildren().ToDictionary(k => k.Key, k => Base64(k.Value, $"PersonalData:Keys:{k.Key}"));
        if (keys.Count > 0)
            return new KeyRing(keys, section["ActiveKey"] ?? (keys.Count == 1 ? keys.Keys.Single()
                    : throw new InvalidOperationException("PersonalData:ActiveKey must name one of PersonalData:Keys.")),
                Base64(section["LookupKey"], "PersonalData:LookupKey"));
        if (Database.Provider(configuration) == "Postgres")
            throw new InvalidOperationException("Database:Provider=Postgres needs PersonalData:KeyFile or PersonalData:Keys: the keys " +
                                                "that seal ID numbers and bank accounts are never kept in the database they protect.");
        return ReadOrCreate(Path.Combine("data", "personal-data-keys.json"), create: true);
    }

    /// <summary>Refuses to start a host whose keys cannot read what the database's first host sealed: a second host with a key
    /// file of its own would otherwise write rows the others cannot open.</summary>
    public static async Task CheckAsync(Func<WorkflowDb> openDb)
    {
        await using var db = openDb();
        try
        {
            var canary = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == CanaryKey);
            if (canary is not null)
            {
                if (canary.Value != Canary) throw new System.Security.Cryptography.CryptographicException("The canary reads wrong.");
                return;
            }
            db.Settings.Add(new SettingRecord { Key = CanaryKey, Value = Canary });
            try { await db.SaveChangesAsync(); }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { /* another host wrote it at the same time */ }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException
                                       || e.InnerException is System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException("This host's key ring cannot read the personal data already in the database: give it " +
                                                "the same PersonalData:KeyFile (or PersonalData:Keys) as the hosts that wrote it. " + e.Message, e);
        }
    }

    private static KeyRing ReadOrCreate(string path, bool create)
    {
        if (File.Exists(path)) return KeyRing.ReadFile(File.ReadAllText(path));
        if (!create) throw new InvalidOperationException($"PersonalData:KeyFile {path} does not exist (create one with `reseal --new-key`).");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var ring = KeyRing.Generate("k1");
        try
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write,
                UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(file);
            writer.Write(ring.ToFile());
            return ring;
        }
        catch (IOException) when (File.Exists(path))
        {
            return KeyRing.ReadFile(File.ReadAllText(path)); // another process of this machine created it first
        }
    }

    private static byte[] Base64(string? value, string name)
    {
        try { return Convert.FromBase64String(value ?? ""); }
        catch (FormatException) { throw new InvalidOperationException($"{name} must be base64 (of 32 random bytes)."); }
    }
}
