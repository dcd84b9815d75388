using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Workflows.Access;
using Workflows.Benefits;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Notices;
using Workflows.Payments;
using Workflows.Payroll;
using Workflows.PersonalData;
using Workflows.Regions;
using Workflows.ReserveFunds;
using Workflows.Tasks;
using Workflows.Timers;

namespace Workflows.Persistence;

/// <summary>
/// The service's database. The model is shared; each provider has its own subclass only so that each
/// keeps its own migrations (SQLite embedded default, PostgreSQL for deployments).
/// </summary>
public abstract class WorkflowDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<RegionRecord> Regions => Set<RegionRecord>();
    public DbSet<StandardRecord> Standards => Set<StandardRecord>();
    public DbSet<UserRecord> Users => Set<UserRecord>();
    public DbSet<DefinitionDraftRecord> DefinitionDrafts => Set<DefinitionDraftRecord>();
    public DbSet<DefinitionVersionRecord> DefinitionVersions => Set<DefinitionVersionRecord>();
    public DbSet<CaseRecord> Cases => Set<CaseRecord>();
    public DbSet<HistoryRecord> History => Set<HistoryRecord>();
    public DbSet<OncePerClaimRecord> OncePerClaims => Set<OncePerClaimRecord>();
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TimerRecord> Timers => Set<TimerRecord>();
    public DbSet<PaymentRecord> Payments => Set<PaymentRecord>();
    public DbSet<OutboxRecord> Outbox => Set<OutboxRecord>();
    public DbSet<NoticeRecord> Notices => Set<NoticeRecord>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<SettingRecord> Settings => Set<SettingRecord>();
    public DbSet<CalendarYearRecord> CalendarYears => Set<CalendarYearRecord>();
    public DbSet<PayrollRunRecord> PayrollRuns => Set<PayrollRunRecord>();
    public DbSet<BankFileDownloadRecord> BankFileDownloads => Set<BankFileDownloadRecord>();
    public DbSet<BankReturnRecord> BankReturns => Set<BankReturnRecord>();
    public DbSet<ReserveFundRecord> ReserveFunds => Set<ReserveFundRecord>();
    public DbSet<BenefitRecord> Benefits => Set<BenefitRecord>();
    public DbSet<BenefitChangeRecord> BenefitChanges => Set<BenefitChangeRecord>();
    public DbSet<ReserveFundEntryRecord> ReserveFundEntries => Set<ReserveFundEntryRecord>();
    public DbSet<DisclosureRecord> Disclosures => Set<DisclosureRecord>();
    public DbSet<AdminActionRecord> AdminActions => Set<AdminActionRecord>();
    public DbSet<Complaints.ComplaintRecord> Complaints => Set<Complaints.ComplaintRecord>();
    public DbSet<BenefitPersonRecord> BenefitPersons => Set<BenefitPersonRecord>();
    public DbSet<DataComparison.DataComparisonRecord> DataComparisons => Set<DataComparison.DataComparisonRecord>();
    public DbSet<DataComparison.DataComparisonRowRecord> DataComparisonRows => Set<DataComparison.DataComparisonRowRecord>();
    public DbSet<DataComparison.DeathMatchRecord> DeathMatches => Set<DataComparison.DeathMatchRecord>();
    public DbSet<DataComparison.InsuredPersonRecord> InsuredPersons => Set<DataComparison.InsuredPersonRecord>();
    public DbSet<PriceSubsidies.PriceSubsidyRecord> PriceSubsidies => Set<PriceSubsidies.PriceSubsidyRecord>();
    public DbSet<PriceSubsidies.PriceSubsidyShareRecord> PriceSubsidyShares => Set<PriceSubsidies.PriceSubsidyShareRecord>();

    /// <summary>Seals the personal-data columns (<see cref="PersonalDataColumns"/>); null only for design-time tools, which
    /// never read a row.</summary>
    public PersonalDataCipher? Cipher { get; } = PersonalDataColumns.CipherOf(options);

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>Set by the command path around its one save: the save's history rows refuse a concurrent command
    /// in the database, so on PostgreSQL one batch needs no transaction of its own (<see cref="GuardedCommandBatch"/>).</summary>
    internal bool SavingGuardedCommand { get; set; }

    /// <summary>The one way this model is put on PostgreSQL, for the Host and for tools alike.</summary>
    public static TBuilder UsePostgres<TBuilder>(TBuilder options, string connectionString) where TBuilder : DbContextOptionsBuilder
    {
        options.UseNpgsql(connectionString)
            .ReplaceService<Microsoft.EntityFrameworkCore.Update.IModificationCommandBatchFactory, GuardedCommandBatchFactory>();
        return options;
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<RegionRecord>(e => { e.ToTable("regions"); e.HasKey(x => x.Code); });
        b.Entity<StandardRecord>(e =>
        {
            e.ToTable("standards");
            e.HasIndex(x => new { x.RegionCode, x.EffectiveFrom }).IsUnique();
        });
        b.Entity<UserRecord>(e => { e.ToTable("users"); e.HasIndex(x => x.Username).IsUnique(); });
        b.Entity<DefinitionDraftRecord>(e =>
        {
            e.ToTable("definition_drafts");
            e.HasIndex(x => new { x.Key, x.RegionCode }).IsUnique();
            e.Property(x => x.Revision).IsConcurrencyToken();
        });
        b.Entity<DefinitionVersionRecord>(e =>
        {
            e.ToTable("definition_versions");
            e.HasIndex(x => new { x.Key, x.RegionCode, x.Version }).IsUnique();
        });
        b.Entity<CaseRecord>(e =>
        {
            e.ToTable("cases");
            // Every command rewrites its case's row (version, hash) without touching an indexed column: room left on each
            // page lets PostgreSQL write the new row beside the old one (a HOT update), with no new index entries.
            e.HasStorageParameter("fillfactor", 85);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.RegionCode, x.Procedure, x.Status });
        });
        b.Entity<HistoryRecord>(e =>
        {
            e.ToTable("case_history");
            // One row per version of a case: a second command that read the same version cannot write its row.
            e.HasIndex(x => new { x.CaseId, x.CaseVersion }).IsUnique();
        });
        b.Entity<OncePerClaimRecord>(e =>
        {
            e.ToTable("once_per_claims");
            e.HasIndex(x => new { x.Procedure, x.ScopeRegion, x.Subject }).IsUnique();
            e.HasIndex(x => x.CaseId);
        });
        b.Entity<TaskRecord>(e =>
        {
            e.ToTable("tasks");
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.Status, x.Role, x.RegionCode });
            // A case's open tasks are read by every command on it; with the status in the key the planner
            // never reaches for the inbox index, whose open part is as large as all inboxes together.
            e.HasIndex(x => new { x.CaseId, x.Status });
        });
        b.Entity<TimerRecord>(e =>
        {
            e.ToTable("timers");
            // A claim rewrites the row with its lease only (a HOT update where the page has room); firing moves it out of
            // the pending index, which holds the timers still to fire, not every timer the service ever fired.
            e.HasStorageParameter("fillfactor", 85);
            e.HasIndex(x => x.DueAt, "IX_timers_pending").HasFilter("status = 'pending'");
            e.HasIndex(x => x.DueAt, "IX_timers_failed").HasFilter("status = 'failed'");
            e.HasIndex(x => x.CaseId);
            // Only the provisional ones (set on a year without holiday data): found again when that year is loaded.
            e.HasIndex(x => x.DueAt, "IX_timers_provisional").HasFilter("due_at_provisional AND status = 'pending'");
        });
        b.Entity<PaymentRecord>(e =>
        {
            e.ToTable("payments");
            e.HasIndex(x => new { x.CaseId, x.PaymentKey }).IsUnique();
            e.HasIndex(x => new { x.RegionCode, x.Period });
            e.HasIndex(x => x.RunId);
            e.HasIndex(x => x.PriceSubsidyId);
            // What the next run of a county takes: the pending payments no run holds yet.
            e.HasIndex(x => x.RegionCode).HasDatabaseName("IX_payments_unsent").HasFilter("run_id IS NULL AND status = 'pending'");
        });
        b.Entity<PayrollRunRecord>(e =>
        {
            e.ToTable("payroll_runs");
            // One regular run per county and month, whatever two finance officers click at the same instant.
            e.HasIndex(x => new { x.RegionCode, x.Period }).IsUnique().HasDatabaseName("IX_payroll_runs_regular")
                .HasFilter("NOT supplementary AND price_subsidy_id IS NULL");
            e.HasIndex(x => x.PriceSubsidyId);
        });
        b.Entity<PriceSubsidies.PriceSubsidyRecord>(e =>
        {
            e.ToTable("price_subsidies");
            // One subsidy per region and month, whatever two officials click at the same instant.
            e.HasIndex(x => new { x.RegionCode, x.Period }).IsUnique();
        });
        b.Entity<PriceSubsidies.PriceSubsidyShareRecord>(e =>
        {
            e.ToTable("price_subsidy_shares");
            // Each person is paid once a month, whichever case or subsidy lists them.
            e.HasIndex(x => new { x.Period, x.Person }).IsUnique();
            e.HasIndex(x => x.SubsidyId);
        });
        b.Entity<Complaints.ComplaintRecord>(e =>
        {
            e.ToTable("complaints");
            e.Property(x => x.Version).IsConcurrencyToken();
            // An official's complaint inbox, and the overdue ones the deadline loop looks for.
            e.HasIndex(x => new { x.Owner, x.Status });
            e.HasIndex(x => new { x.Status, x.DueAt });
            e.HasIndex(x => x.CaseId);
        });
        b.Entity<BankFileDownloadRecord>(e => { e.ToTable("bank_file_downloads"); e.HasIndex(x => x.RunId); });
        b.Entity<BankReturnRecord>(e => { e.ToTable("bank_returns"); e.HasIndex(x => x.RunId); });
        b.Entity<BenefitRecord>(e =>
        {
            e.ToTable("benefits");
            e.HasIndex(x => x.CaseId).IsUnique();
            // What a county's payroll run reads: its active benefits.
            e.HasIndex(x => new { x.Status, x.RegionCode });
        });
        b.Entity<BenefitChangeRecord>(e => { e.ToTable("benefit_changes"); e.HasIndex(x => x.BenefitId); });
        b.Entity<BenefitPersonRecord>(e =>
        {
            e.ToTable("benefit_persons");
            // What a death list is matched by.
            e.HasIndex(x => x.Person);
            // A person once per benefit, whatever two hosts indexing at start do.
            e.HasIndex(x => new { x.BenefitId, x.Person }).IsUnique();
        });
        b.Entity<DataComparison.DataComparisonRecord>(e =>
        {
            e.ToTable("data_comparisons");
            // The same file for the same kind and region is imported once.
            e.HasIndex(x => new { x.Kind, x.RegionCode, x.Sha256 }).IsUnique();
        });
        b.Entity<DataComparison.DataComparisonRowRecord>(e =>
        {
            e.ToTable("data_comparison_rows");
            e.HasIndex(x => new { x.ComparisonId, x.Result, x.Row });
        });
        b.Entity<DataComparison.InsuredPersonRecord>(e => { e.ToTable("insured_persons"); e.HasIndex(x => new { x.Person, x.ProvinceCode }); });
        b.Entity<DataComparison.DeathMatchRecord>(e =>
        {
            e.ToTable("death_matches");
            // A person is matched once per case, whatever lists name them — unless that match was disputed: a later list
            // may report the death that then happens.
            e.HasIndex(x => new { x.CaseId, x.Person }).IsUnique().HasFilter("status <> 'disputed'");
            e.HasIndex(x => x.TaskId).IsUnique();
        });
        b.Entity<ReserveFundRecord>(e =>
        {
            // A fund is never overdrawn, whatever the code above does.
            e.ToTable("reserve_funds", t => t.HasCheckConstraint("CK_reserve_funds_balance", "balance_fen >= 0"));
            e.HasKey(x => x.TownshipCode);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        b.Entity<ReserveFundEntryRecord>(e =>
        {
            e.ToTable("reserve_fund_entries", t => t.HasCheckConstraint("CK_reserve_fund_entries_balance", "balance_after_fen >= 0"));
            e.HasIndex(x => x.TownshipCode);
        });
        b.Entity<NoticeRecord>(e =>
        {
            e.ToTable("notices");
            e.HasIndex(x => new { x.RegionCode, x.Until });
            e.HasIndex(x => x.CaseId);
        });
        b.Entity<OutboxRecord>(e =>
        {
            e.ToTable("outbox");
            // Only the rows still to send: the dispatcher's lookup stays small however long the table grows.
            e.HasIndex(x => x.Id).HasDatabaseName("IX_outbox_pending").HasFilter("dispatched_at IS NULL");
        });
        b.Entity<IdempotencyRecord>(e => { e.ToTable("idempotency_keys"); e.HasKey(x => new { x.Key, x.Username }); });
        b.Entity<SettingRecord>(e => { e.ToTable("settings"); e.HasKey(x => x.Key); });
        b.Entity<DisclosureRecord>(e => { e.ToTable("disclosures"); e.HasIndex(x => x.CaseId); e.HasIndex(x => new { x.Username, x.At }); });
        b.Entity<AdminActionRecord>(e => { e.ToTable("admin_actions"); e.HasIndex(x => x.At); });
        b.Entity<CalendarYearRecord>(e =>
        {
            e.ToTable("calendar_years");
            e.HasKey(x => x.Year);
            e.Property(x => x.Year).ValueGeneratedNever();
        });

        if (Cipher is not null) PersonalDataColumns.Seal(b, Cipher);

        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        foreach (var entity in b.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                if (property.ClrType == typeof(DateTime) || property.ClrType == typeof(DateTime?))
                    property.SetValueConverter(utc);
            }
    }

    private static string SnakeCase(string name)
    {
        var s = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) s.Append('_');
            s.Append(char.ToLowerInvariant(name[i]));
        }
        return s.ToString();
    }

    public static WorkflowDb Create(string provider, string connectionString, PersonalDataCipher? cipher = null) => provider switch
    {
        "Postgres" => new PostgresWorkflowDb(WithCipher(UsePostgres(new DbContextOptionsBuilder<PostgresWorkflowDb>(), connectionString), cipher).Options),
        _ => new SqliteWorkflowDb(WithCipher(new DbContextOptionsBuilder<SqliteWorkflowDb>().UseSqlite(connectionString), cipher).Options),
    };

    private static TBuilder WithCipher<TBuilder>(TBuilder options, PersonalDataCipher? cipher) where TBuilder : DbContextOptionsBuilder =>
        cipher is null ? options : PersonalDataColumns.UseCipher(options, cipher);
}

public sealed class SqliteWorkflowDb(DbContextOptions<SqliteWorkflowDb> options) : WorkflowDb(options);

public sealed class PostgresWorkflowDb(DbContextOptions<PostgresWorkflowDb> options) : WorkflowDb(options);

/// <summary>Design-time factories, for `dotnet ef migrations add` only.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteWorkflowDb>
{
    public SqliteWorkflowDb CreateDbContext(string[] args) =>
        (SqliteWorkflowDb)WorkflowDb.Create("Sqlite", "Data Source=design.db");
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresWorkflowDb>
{
    public PostgresWorkflowDb CreateDbContext(string[] args) =>
        (PostgresWorkflowDb)WorkflowDb.Create("Postgres", "Host=localhost;Database=design");
}
