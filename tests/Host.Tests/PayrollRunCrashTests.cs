using System.Net;
using Npgsql;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>A Host killed with SIGKILL in the middle of drawing up a run of 50,000 payments leaves no run and no payment
/// attached; started again, it draws up the whole run.</summary>
public sealed class PayrollRunCrashTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private const int Payments = 50_000;

    [Fact]
    public async Task A_run_killed_while_it_is_drawn_up_exists_whole_or_not_at_all()
    {
        var database = await NewDatabaseAsync();
        var clock = Seed.BeforeSpringFestival;
        await using (var first = await HostProcess.StartAsync(database, clock))
        {
            var admin = await Seed.RunAsync(await first.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword));
            await admin.PostOk("/api/admin/users", new
            {
                username = "finance", password = Seed.Password, displayName = "县财务", roles = new[] { "finance-officer" }, regionCode = Seed.County,
            }, HttpStatusCode.Created);
            var caseworker = await first.LoginAsync(Seed.Caseworker);
            var township = await first.LoginAsync(Seed.TownshipOfficer);
            var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
            var review = await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
            await township.PostOk($"/api/tasks/{review["openTasks"]![0]!["id"]}/complete", new { outcome = "approve" });
            // 49,999 more instalments of that case: the run attaches them all in one statement.
            await Sql.ExecuteAsync(database, $"""
                INSERT INTO payments (id, case_id, region_code, period, instalment, payment_key, amount_fen, status, created_at,
                                      basis_json, payee_name, payee_id_number, bank_account)
                SELECT gen_random_uuid(), case_id, region_code, period, g, '#' || g, amount_fen, status, created_at, basis_json,
                       payee_name, payee_id_number, bank_account
                FROM payments, generate_series(2, {Payments}) AS g
                """);

            // Hold one payment row, so that the Host's UPDATE waits inside its transaction, after the run's row is written.
            await using var holder = new NpgsqlConnection(database);
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await new NpgsqlCommand("SELECT id FROM payments ORDER BY id DESC LIMIT 1 FOR UPDATE", holder, hold).ExecuteScalarAsync();
            var finance = await first.LoginAsync("finance");
            var drawing = finance.PostAsync("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-02" });
            await Sql.WaitForAsync(database, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%payments%'");

            await first.KillAsync();
            await hold.RollbackAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => drawing);
            // The server rolls back the dead client's transaction as soon as the released lock lets it notice.
            await Sql.WaitForAsync(database, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                                         "AND state <> 'idle' AND backend_type = 'client backend'", expected: 0);
        }
        Assert.Equal(0L, await Sql.ScalarAsync(database, "SELECT count(*) FROM payroll_runs"));
        Assert.Equal(0L, await Sql.ScalarAsync(database, "SELECT count(*) FROM payments WHERE run_id IS NOT NULL"));

        await using var second = await HostProcess.StartAsync(database, clock);
        var run = await (await second.LoginAsync("finance")).PostOk("/api/payroll-runs", new { regionCode = Seed.County, period = "2026-02" },
            HttpStatusCode.Created);
        Assert.Equal(Payments, run["count"]!.GetValue<int>());
        Assert.Equal((long)Payments, await Sql.ScalarAsync(database, $"SELECT count(*) FROM payments WHERE run_id = '{run["id"]}'"));
    }
}
