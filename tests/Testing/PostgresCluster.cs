using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Workflows.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, started on a
/// free loopback port, removed on dispose. As root, the server runs as the postgres user (initdb refuses
/// root). With TEST_POSTGRES set (a connection string to a server whose user may create databases), that
/// server is used instead and nothing is started.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string _bin;
    private readonly string _adminConnection;

    private PostgresCluster(string adminConnection, string? directory, string bin)
    {
        _adminConnection = adminConnection;
        _directory = directory;
        _bin = bin;
    }

    public string BinDirectory => _bin;
    public string Host => new NpgsqlConnectionStringBuilder(_adminConnection).Host!;
    public int Port => new NpgsqlConnectionStringBuilder(_adminConnection).Port;

    public static async Task<PostgresCluster> StartAsync(params string[] settings)
    {
        var bin = Environment.GetEnvironmentVariable("PG_BIN") ?? "/usr/lib/postgresql/15/bin";
        if (Environment.GetEnvironmentVariable("TEST_POSTGRES") is { Length: > 0 } external)
            return new PostgresCluster(external, null, bin);

        var directory = Path.Combine(Path.GetTempPath(), "wf-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"postgres:postgres {directory}");
        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8", asRoot);
        var port = FreePort();
        var options = string.Join(' ', new[]
        {
            $"-p {port}", $"-k {directory}", "-c listen_addresses=127.0.0.1", "-c max_connections=300",
        }.Concat(settings.Select(s => $"-c {s}")));
        await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {data} -l {Path.Combine(directory, "server.log")} -o \"{options}\" -w -t 60 start", asRoot);
        return new PostgresCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", directory, bin);
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "wf_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_adminConnection) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null) return;
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), $"-D {Path.Combine(_directory, "data")} -m immediate -w stop",
                Environment.UserName == "root");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program (as the postgres user when <paramref name="asPostgres"/>) and fails with its output.</summary>
    public static async Task<string> RunAsync(string program, string arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout + await stderr;
    }
}
