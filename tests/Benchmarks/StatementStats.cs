using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>With <c>--statements</c>: what the service asked PostgreSQL during the measured part, from
/// pg_stat_statements — calls, plans, planning and execution time and WAL written per statement, to see where database time goes.
/// A prepared statement that PostgreSQL still plans on every call shows as many plans as calls.</summary>
public sealed class StatementStats(PostgresCluster cluster, string database)
{
    public static readonly string[] Settings = ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on"];

    public Task InstallAsync() => PsqlAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

    public Task ResetAsync() => PsqlAsync("SELECT pg_stat_statements_reset()");

    public async Task PrintAsync(int requests)
    {
        Console.WriteLine($"Statements per request ({requests} requests), top 25 by calls:");
        Console.WriteLine(await PsqlAsync(
            $"SELECT round(calls::numeric / {requests}, 2) AS per_request, round(plans::numeric / {requests}, 2) AS plans_per_request, " +
            "round(total_plan_time::numeric) AS plan_ms, round(total_exec_time::numeric) AS exec_ms, " +
            $"round(wal_bytes / {requests}) AS wal_bytes_per_request, " +
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS statement FROM pg_stat_statements " +
            $"WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{database}') ORDER BY calls DESC LIMIT 25"));
    }

    private Task<string> PsqlAsync(string sql) => PostgresCluster.RunAsync(Path.Combine(cluster.BinDirectory, "psql"),
        $"-h {cluster.Host} -p {cluster.Port} -U postgres -d {database} -X -q -c \"{sql}\"");
}
