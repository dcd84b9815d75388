using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;

namespace Workflows.Benchmarks;

/// <summary>
/// A wave of deadlines: N village checks whose deadline timers all fall due at the same instant (a month end, a holiday's
/// last day), fired by one Host on the system clock through its worker loops. Prints the time to fire them all and the
/// lateness of each (fired_at − due_at), p50 and p99, with the figure per core.
/// </summary>
public static class TimerWave
{
    /// <summary>Returns the timers fired per second.</summary>
    public static async Task<double> RunAsync(string database, Process[] hosts, HttpClient admin, int count, int workers, StatementStats? stats)
    {
        if (stats is not null) await stats.InstallAsync();
        await Program.CreateRegionsAsync(admin);
        await Program.CreateUserAsync(admin, "cw", "village-caseworker", "220102001001", "bench-pass-1");
        var caseworker = await Program.LoginAsync(admin, "cw", "bench-pass-1");
        var template = (await Program.Send(caseworker, HttpMethod.Post, "/api/cases", Payroll.Application, HttpStatusCode.Created))["id"]!
            .GetValue<string>();

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // A Host that meets a month-end wave has been running for days: a first, smaller wave brings its timer path to
        // the code the JIT settles on (tier 1), which takes the first 10–20 s of a cold Host's run.
        var warmUp = Math.Min(5_000, Math.Max(count / 20, 100));
        var warmUpDue = await SeedAsync(connection, template, warmUp, "warm_up");
        while (DateTime.UtcNow < warmUpDue) await Task.Delay(100);
        await WaitUntilFiredAsync(connection);
        var due = await SeedAsync(connection, template, count, "wave");
        Console.WriteLine($"seeded {count:N0} cases with a deadline timer due at {due:HH:mm:ss} UTC; " +
                          $"{hosts.Length} Host(s), {workers} worker loops each, warmed up by a wave of {warmUp:N0}");

        if (stats is not null) await stats.ResetAsync();
        while (DateTime.UtcNow < due) await Task.Delay(100);
        var cpu = Program.CpuNow(hosts);
        var wave = Stopwatch.StartNew();
        await WaitUntilFiredAsync(connection);
        var seconds = wave.Elapsed.TotalSeconds;
        var used = Program.CpuNow(hosts) - cpu;
        var p50 = await ScalarDoubleAsync(connection,
            $"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - due_at)) FROM timers WHERE status = 'fired' AND due_at = '{due:O}'");
        var p99 = await ScalarDoubleAsync(connection,
            $"SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - due_at)) FROM timers WHERE status = 'fired' AND due_at = '{due:O}'");
        var fired = await ScalarAsync(connection, $"SELECT count(*) FROM timers WHERE status = 'fired' AND due_at = '{due:O}'");
        var failed = await ScalarAsync(connection, "SELECT count(*) FROM timers WHERE status = 'failed' OR attempts > 0");
        Console.WriteLine($"fired {fired:N0} timers in {seconds:F1} s ({fired / seconds:F0}/s, {fired / seconds / Environment.ProcessorCount:F0}/s " +
                          $"per core, Host and PostgreSQL on the same {Environment.ProcessorCount} cores); lateness p50 " +
                          $"{p50.ToString("F1", CultureInfo.InvariantCulture)} s, p99 {p99.ToString("F1", CultureInfo.InvariantCulture)} s " +
                          $"(target p99 ≤ 60 s); {failed} failed or retried");
        Console.WriteLine($"CPU per timer: {used.Per((int)fired)}");
        var size = await ScalarAsync(connection, "SELECT pg_database_size(current_database())");
        await using (var buffers = new NpgsqlCommand("SHOW shared_buffers", connection))
            Console.WriteLine($"database {size / 1024 / 1024:N0} MiB after the wave; shared_buffers {await buffers.ExecuteScalarAsync()}");
        if (stats is not null) await stats.PrintAsync((int)fired);
        return fired / seconds;
    }

    /// <summary>Copies of the template case, each with its open village check and that task's pending deadline timer,
    /// due at one instant a little ahead, so that the wave starts on the Host's own clock.</summary>
    private static async Task<DateTime> SeedAsync(NpgsqlConnection connection, string template, int count, string table)
    {
        var due = DateTime.UtcNow.AddSeconds(20 + count / 20_000 * 5);
        due = due.AddTicks(-(due.Ticks % TimeSpan.TicksPerMillisecond)); // as PostgreSQL keeps it (microseconds)
        await Execute(connection, $"""
            CREATE TEMP TABLE {table} AS
              SELECT g, gen_random_uuid() AS case_id, gen_random_uuid() AS task_id, gen_random_uuid() AS timer_id
              FROM generate_series(1, {count}) AS g;
            {await CopyAsync(connection, "cases", "c", table, $"c.id = '{template}'", new()
            {
                ["id"] = "w.case_id", ["applicant_id_number"] = $"lpad(({(table == "wave" ? 0 : 900_000_000)} + w.g)::text, 18, '0')",
            })}
            {await CopyAsync(connection, "tasks", "c", table, $"c.case_id = '{template}' AND c.status = 'open'", new()
            {
                ["id"] = "w.task_id", ["case_id"] = "w.case_id", ["deadline_timer_id"] = "w.timer_id",
                ["due_at"] = $"'{due:O}'::timestamptz",
            })}
            {await CopyAsync(connection, "timers", "c", table, $"c.case_id = '{template}' AND c.status = 'pending'", new()
            {
                ["id"] = "w.timer_id", ["case_id"] = "w.case_id", ["task_id"] = "w.task_id", ["due_at"] = $"'{due:O}'::timestamptz",
            })}
            ANALYZE;
            """);
        return due;
    }

    private static async Task WaitUntilFiredAsync(NpgsqlConnection connection)
    {
        for (long left = 1; left > 0; await Task.Delay(500))
            left = await ScalarAsync(connection, "SELECT count(*) FROM timers WHERE status = 'pending' AND due_at <= now()");
    }

    /// <summary>An INSERT … SELECT copying the template rows of <paramref name="table"/> once per row of the wave, with
    /// some columns given anew.</summary>
    private static async Task<string> CopyAsync(NpgsqlConnection connection, string table, string alias, string copies, string where,
        Dictionary<string, string> values)
    {
        var columns = new List<string>();
        await using (var read = new NpgsqlCommand(
            $"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position", connection))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        return $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT " +
               $"{string.Join(", ", columns.Select(c => values.GetValueOrDefault(c, $"{alias}.{c}")))} FROM {table} AS {alias}, {copies} AS w " +
               $"WHERE {where};";
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<double> ScalarDoubleAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToDouble(await command.ExecuteScalarAsync());
    }
}
