using Npgsql;

namespace Workflows.Benchmarks;

/// <summary>What the run left in the service's tables: rows and bytes on disk (heap, TOAST and indexes) per table, and
/// per case — the figures behind the README's plan of what a province's database grows by each month.</summary>
public static class TableSizes
{
    public static async Task PrintAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var analyse = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 }) await analyse.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            WITH t AS (
              SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes,
                     (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text::bigint AS rows
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\_\_%' AND c.relname <> 'copy_baseline')
            SELECT name, rows, bytes, (SELECT rows FROM t WHERE name = 'cases') AS cases FROM t WHERE bytes > 100000 ORDER BY bytes DESC
            """, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine("table sizes (rows, bytes per row, bytes per case, heap + TOAST + indexes):");
        while (await reader.ReadAsync())
        {
            var (name, rows, bytes, cases) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            Console.WriteLine($"  {name,-18} {rows,10:N0} rows {bytes / 1048576.0,9:F1} MiB  {(rows == 0 ? 0 : bytes / rows),6:N0} B/row  " +
                              $"{(cases == 0 ? 0 : bytes / cases),6:N0} B/case");
        }
    }
}
