using Workflows.Testing;

namespace Workflows.Host.Tests.Support;

/// <summary>One throw-away PostgreSQL cluster shared by the tests of the "postgres" collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;
    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync("fsync=off");
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

/// <summary>Starts hosts on fresh databases and disposes them after each test.</summary>
public abstract class HostedTest : IAsyncLifetime
{
    private readonly List<ServiceHost> _hosts = new();

    protected abstract string Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    protected ServiceHost StartOn(string connectionString, DateTimeOffset? clock = null, Dictionary<string, string?>? settings = null,
        bool kestrel = false)
    {
        var host = new ServiceHost(Provider, connectionString, clock ?? Seed.BeforeSpringFestival, settings);
        _hosts.Add(host);
        // Start now, so failures surface here.
        if (kestrel) host.StartOnKestrel();
        else host.Server.PreserveExecutionContext = true;
        return host;
    }

    /// <summary>A host on a fresh database with the county's regions and officials.</summary>
    protected async Task<(ServiceHost Host, Api Admin, string Database)> StartSeededAsync(DateTimeOffset? clock = null)
    {
        var database = await NewDatabaseAsync();
        var host = StartOn(database, clock);
        return (host, await Seed.RunAsync(host), database);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}

/// <summary>Tests on the shared throw-away PostgreSQL cluster, a fresh database each.</summary>
[Collection("postgres")]
public abstract class PostgresTest(PostgresFixture postgres) : HostedTest
{
    protected override string Provider => "Postgres";
    protected override Task<string> NewDatabaseAsync() => postgres.Cluster.CreateDatabaseAsync();
}

/// <summary>A fresh SQLite database file in the temporary folder, for the smoke part of a suite.</summary>
public static class SqliteDatabases
{
    public static Task<string> NewAsync() =>
        Task.FromResult($"Data Source={Path.Combine(Path.GetTempPath(), "wf-" + Guid.NewGuid().ToString("N"))}.db");
}
