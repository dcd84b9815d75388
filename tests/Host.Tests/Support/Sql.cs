using Npgsql;

namespace Workflows.Host.Tests.Support;

/// <summary>Statements straight on a test's database: to set a scene the API cannot (a tampered row, a held lock) and to
/// check what the API does not show (every row of a table).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>The first column of every row.</summary>
    public static async Task<List<T>> ColumnAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }

    /// <summary>Waits until <paramref name="conditionSql"/> (one boolean) holds (30 s at most).</summary>
    public static async Task WaitUntilAsync(string database, string conditionSql) =>
        await WaitForAsync(database, $"SELECT ({conditionSql})::int", expected: 1);

    /// <summary>Waits until <paramref name="countSql"/> gives <paramref name="expected"/> (30 s at most).</summary>
    public static async Task WaitForAsync(string database, string countSql, long expected = 1, int seconds = 30)
    {
        var last = -1L;
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); DateTime.UtcNow < deadline; await Task.Delay(20))
            if ((last = await ScalarAsync(database, countSql)) == expected) return;
        Assert.Fail($"timed out waiting for {countSql} = {expected} (last {last})");
    }
}
