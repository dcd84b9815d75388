using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Benefits;
using Workflows.Cases;
using Workflows.Payments;
using Workflows.PersonalData;

namespace Workflows.Persistence;

/// <summary>
/// Which columns hold personal data, and how a context seals them: a value converter on each, built with the host's
/// cipher, so that every read opens and every write seals without the code above knowing. The cipher reaches the model
/// through the context's options; contexts of one key ring share one model.
/// </summary>
public static class PersonalDataColumns
{
    /// <summary>The columns sealed at rest: ID numbers, bank accounts, and the documents that carry phones and members'
    /// ID numbers (a case's data, its history, the basis of an amount, a kept response, a setting such as the signing key).</summary>
    internal static void Seal(ModelBuilder b, PersonalDataCipher cipher)
    {
        var seal = new ValueConverter<string, string>(v => cipher.Seal(v), v => cipher.Open(v));
        b.Entity<CaseRecord>(e =>
        {
            e.Property(x => x.ApplicantIdNumber).HasConversion(seal);
            e.Property(x => x.ApplicantBankAccount).HasConversion(seal);
            e.Property(x => x.DataJson).HasConversion(seal);
        });
        b.Entity<HistoryRecord>().Property(x => x.EntriesJson).HasConversion(seal);
        b.Entity<PaymentRecord>(e =>
        {
            e.Property(x => x.PayeeIdNumber).HasConversion(seal);
            e.Property(x => x.BankAccount).HasConversion(seal);
            e.Property(x => x.BasisJson).HasConversion(seal);
        });
        b.Entity<BenefitRecord>().Property(x => x.BasisJson).HasConversion(seal);
        b.Entity<IdempotencyRecord>().Property(x => x.ResponseBody).HasConversion(seal);
        b.Entity<SettingRecord>().Property(x => x.Value).HasConversion(seal);
        b.Entity<Complaints.ComplaintRecord>(e =>
        {
            e.Property(x => x.Content).HasConversion(seal);
            e.Property(x => x.ComplainantName).HasConversion(seal);
            e.Property(x => x.ComplainantPhone).HasConversion(seal);
            e.Property(x => x.Reply).HasConversion(seal);
        });
    }

    /// <summary>Contexts built from these options seal personal data with <paramref name="cipher"/>.</summary>
    public static TBuilder UseCipher<TBuilder>(TBuilder options, PersonalDataCipher cipher) where TBuilder : DbContextOptionsBuilder
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new CipherExtension(cipher));
        options.ReplaceService<IModelCacheKeyFactory, ModelPerKeyRing>();
        return options;
    }

    internal static PersonalDataCipher? CipherOf(DbContextOptions options) => options.FindExtension<CipherExtension>()?.Cipher;

    private sealed class ModelPerKeyRing : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), (context as WorkflowDb)?.Cipher?.Fingerprint, designTime);
    }

    private sealed class CipherExtension(PersonalDataCipher cipher) : IDbContextOptionsExtension
    {
        public PersonalDataCipher Cipher => cipher;
        public DbContextOptionsExtensionInfo Info => new CipherInfo(this);
        public void ApplyServices(IServiceCollection services) { }
        public void Validate(IDbContextOptions options) { }

        private sealed class CipherInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            public override bool IsDatabaseProvider => false;
            public override string LogFragment => "PersonalData ";
            public override int GetServiceProviderHashCode() => 0;
            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is CipherInfo;
            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["PersonalData"] = "1";
        }
    }
}
