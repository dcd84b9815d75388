using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Definitions;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.PersonalData;

namespace Workflows.Host.Setup;

/// <summary>Database:Provider and ConnectionStrings:Workflow (API.md, Operating), and what happens at start:
/// migrate, load the token signing key, create the bootstrap admin, publish newer shipped definitions.</summary>
public static class Database
{
    public static string Provider(IConfiguration configuration) => configuration["Database:Provider"] ?? "Sqlite";

    public static void AddWorkflowDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = Provider(configuration);
        var connection = configuration.GetConnectionString("Workflow");
        var cipher = new PersonalDataCipher(PersonalDataKeys.Load(configuration));
        services.AddSingleton(cipher);
        switch (provider)
        {
            case "Postgres":
                if (string.IsNullOrEmpty(connection))
                    throw new InvalidOperationException("Database:Provider=Postgres needs ConnectionStrings:Workflow.");
                // Server-side prepared statements for the statements the command path repeats, unless the operator
                // chose otherwise: PostgreSQL then skips parsing and planning them on every command.
                var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(connection);
                if (!connection.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) npgsql.MaxAutoPrepare = 64;
                // The service sets no session state, so a pooled connection need not be reset between queries.
                if (!connection.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) npgsql.NoResetOnClose = true;
                services.AddPooledDbContextFactory<PostgresWorkflowDb>(o =>
                    PersonalDataColumns.UseCipher(WorkflowDb.UsePostgres(o, npgsql.ConnectionString), cipher));
                services.AddSingleton<Func<WorkflowDb>>(sp =>
                {
                    var factory = sp.GetRequiredService<IDbContextFactory<PostgresWorkflowDb>>();
                    return () => factory.CreateDbContext();
                });
                break;
            case "Sqlite":
                if (string.IsNullOrEmpty(connection))
                {
                    Directory.CreateDirectory("data");
                    connection = "Data Source=data/workflow.db";
                }
                // A busy embedded database waits for its writer instead of failing at once.
                connection += connection.Contains("Timeout", StringComparison.OrdinalIgnoreCase) ? "" : ";Default Timeout=30";
                services.AddPooledDbContextFactory<SqliteWorkflowDb>(o => PersonalDataColumns.UseCipher(o.UseSqlite(connection), cipher));
                services.AddSingleton<Func<WorkflowDb>>(sp =>
                {
                    var factory = sp.GetRequiredService<IDbContextFactory<SqliteWorkflowDb>>();
                    return () => factory.CreateDbContext();
                });
                break;
            default:
                throw new InvalidOperationException($"Database:Provider must be Sqlite or Postgres, not '{provider}'.");
        }
        services.AddScoped<WorkflowDb>(sp => sp.GetRequiredService<Func<WorkflowDb>>()());
    }

    public static async Task PrepareAsync(IServiceProvider services, IConfiguration configuration, ILogger logger)
    {
        var openDb = services.GetRequiredService<Func<WorkflowDb>>();
        await using var db = openDb();
        if (!db.IsPostgres) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();
        await PersonalDataKeys.CheckAsync(openDb);
        await using (var claimsDb = openDb())
            if (await Reseal.HashLegacyClaimsAsync(claimsDb) is > 0 and var hashed)
                logger.LogInformation("Hashed {Count} once-per claims written before claims were hashed", hashed);
        if (await Workflows.Benefits.BenefitPersons.IndexMissingAsync(openDb) is > 0 and var indexed)
            logger.LogInformation("Indexed the persons of {Count} benefits granted before persons were indexed", indexed);
        await using (var chainDb = openDb())
            if (await AuditLedger.LinkUnchainedAsync(chainDb) is > 0 and var linked)
                logger.LogInformation("Chained the history of {Count} cases written before the history was chained", linked);

        var clock = services.GetRequiredService<TimeProvider>();
        // A context of its own: when another host stores the key first, the refused insert stays tracked in the
        // context that tried it and would be tried again by the next SaveChanges.
        await using (var keyDb = openDb()) await services.GetRequiredService<Tokens>().LoadKeyAsync(keyDb);
        await BootstrapAdminAsync(db, configuration, services.GetRequiredService<PasswordHasher<UserRecord>>(), clock, logger);
        await LoadCalendarAsync(openDb, services.GetRequiredService<WorkingDayCalendar>(), configuration, clock, logger);

        var directory = configuration["Definitions:Path"] ?? Path.Combine(AppContext.BaseDirectory, "workflows");
        var problems = await services.GetRequiredService<DefinitionCatalog>()
            .ImportDirectoryAsync(db, directory, clock.GetUtcNow().UtcDateTime);
        if (problems.Count > 0 && configuration.GetValue("Definitions:FailOnInvalid", true))
            throw new InvalidOperationException("Shipped definitions are invalid:\n" + string.Join("\n", problems));
    }

    /// <summary>The shipped holiday files go into the database (a year an admin put stays); the calendar then holds
    /// what the database holds, like every other host's.</summary>
    private static async Task LoadCalendarAsync(Func<WorkflowDb> openDb, WorkingDayCalendar calendar, IConfiguration configuration,
        TimeProvider clock, ILogger logger)
    {
        var directory = configuration["Calendar:Path"] ?? Path.Combine(AppContext.BaseDirectory, "workflows", "calendars");
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json") : [];
        var shipped = files.SelectMany(f => CalendarYear.ReadFile(File.ReadAllText(f), Path.GetFileName(f))).ToList();
        try
        {
            await using var db = openDb();
            var written = await CalendarStore.ImportShippedAsync(db, shipped, clock.GetUtcNow().UtcDateTime);
            if (written.Count > 0) logger.LogInformation("Calendar years {Years} loaded from the shipped files", string.Join(", ", written));
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            logger.LogInformation("Another host stored the shipped calendar years first");
        }
        await using (var db = openDb()) await CalendarStore.RefreshAsync(db, calendar);
        if (calendar.Years.Count == 0)
            logger.LogWarning("The calendar holds no year: deadlines count Monday–Friday and are provisional until a year is put " +
                              "(PUT /api/admin/calendars/{{year}})");
    }

    private static async Task BootstrapAdminAsync(WorkflowDb db, IConfiguration configuration, PasswordHasher<UserRecord> hasher,
        TimeProvider clock, ILogger logger)
    {
        var username = configuration["Bootstrap:AdminUser"];
        var password = configuration["Bootstrap:AdminPassword"];
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || await db.Users.AnyAsync()) return;
        var admin = new UserRecord
        {
            Username = username, DisplayName = "系统管理员", RegionCode = "", Roles = Roles.SystemAdmin,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        admin.PasswordHash = hasher.HashPassword(admin, password);
        db.Users.Add(admin);
        await db.SaveChangesAsync();
        logger.LogInformation("Created the bootstrap system admin {User}", username);
    }
}
