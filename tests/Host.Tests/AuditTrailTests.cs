using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>
/// The record officials and auditors rely on (issue 16): a history altered or removed in the database is reported by
/// the case's audit, by the audit of everything, and by the operator's command; a full ID number is shown only to the
/// roles that check identity, and each view of it is recorded; every administrator's change is recorded with who.
/// </summary>
public sealed class AuditTrailTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static async Task<JsonNode> PaidAidAsync(ServiceHost host)
    {
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var review = (await township.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["caseId"]!.GetValue<string>() == created["id"]!.GetValue<string>())!;
        return await township.PostOk($"/api/tasks/{review["id"]}/complete", new { outcome = "approve" });
    }

    [Fact]
    public async Task A_history_row_altered_or_removed_in_the_database_is_reported_by_both_audit_routes_and_the_operators_command()
    {
        var (host, admin, database) = await StartSeededAsync();
        var first = await PaidAidAsync(host);
        var altered = await PaidAidAsync(host);
        var deleted = await PaidAidAsync(host);
        var last = await PaidAidAsync(host);
        var id = altered["id"]!.GetValue<string>();

        var intact = await admin.GetOk($"/api/cases/{id}/audit");
        Assert.True(intact["valid"]!.GetValue<bool>());
        Assert.Equal(3, intact["rows"]!.GetValue<int>());
        Assert.Null(intact["brokenAtVersion"]);
        var all = await admin.GetOk("/api/admin/audit/verify");
        Assert.True(all["valid"]!.GetValue<bool>());
        Assert.Equal((4, 12), (all["cases"]!.GetValue<int>(), all["rows"]!.GetValue<int>()));
        Assert.Equal(0, (await HostProcess.RunCommandAsync(database, "verify-audit")).ExitCode);

        // Who approved, changed by someone with write access to the database; a case removed with all its rows.
        await Sql.ExecuteAsync(database, $"UPDATE case_history SET actor = 'caseworker' WHERE case_id = '{id}' AND case_version = 3");
        var removed = deleted["id"]!.GetValue<string>();
        await Sql.ExecuteAsync(database, $"DELETE FROM case_history WHERE case_id = '{removed}'; DELETE FROM tasks WHERE case_id = '{removed}'; " +
                                     $"DELETE FROM payments WHERE case_id = '{removed}'; DELETE FROM once_per_claims WHERE case_id = '{removed}'; " +
                                     $"DELETE FROM cases WHERE id = '{removed}'");

        var broken = await admin.GetOk($"/api/cases/{id}/audit");
        Assert.False(broken["valid"]!.GetValue<bool>());
        Assert.Equal(3, broken["brokenAtVersion"]!.GetValue<int>());
        Assert.True((await admin.GetOk($"/api/cases/{first["id"]}/audit"))["valid"]!.GetValue<bool>());
        // The case started after the removed one points at nothing: its chain breaks at its first row.
        Assert.Equal(1, (await admin.GetOk($"/api/cases/{last["id"]}/audit"))["brokenAtVersion"]!.GetValue<int>());

        all = await admin.GetOk("/api/admin/audit/verify");
        Assert.False(all["valid"]!.GetValue<bool>());
        Assert.Equal([(id, 3), (last["id"]!.GetValue<string>(), 1)],
            all["broken"]!.AsArray().Select(b => (b!["caseId"]!.GetValue<string>(), b["version"]!.GetValue<int>())).OrderBy(b => b.Item1 == id ? 0 : 1));
        var (exitCode, output) = await HostProcess.RunCommandAsync(database, "verify-audit");
        Assert.Equal(2, exitCode);
        Assert.Contains(id, output);

        // The last row of a case removed: the case's head no longer matches.
        await Sql.ExecuteAsync(database, $"DELETE FROM case_history WHERE case_id = '{first["id"]}' AND case_version = 3");
        Assert.Equal(3, (await admin.GetOk($"/api/cases/{first["id"]}/audit"))["brokenAtVersion"]!.GetValue<int>());
        // Only a system admin audits everything.
        await Api.ExpectProblem(await (await host.LoginAsync(Seed.CountyOfficer)).GetAsync("/api/admin/audit/verify"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_full_ID_number_is_shown_only_to_roles_that_check_identity_and_each_view_is_recorded()
    {
        var (host, admin, _) = await StartSeededAsync();
        var application = System.Text.Json.JsonSerializer.SerializeToNode(Seed.MigrantWorkerApplication())!;
        var idNumber = application["applicant"]!["idNumber"]!.GetValue<string>();
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", application, HttpStatusCode.Created);
        var masked = $"{idNumber[..6]}********{idNumber[^4..]}";
        Assert.Equal(masked, created["applicant"]!["idNumber"]!.GetValue<string>()); // a reply masks it

        Assert.Equal(idNumber, (await caseworker.GetOk($"/api/cases/{created["id"]}"))["applicant"]!["idNumber"]!.GetValue<string>());
        Assert.Equal(masked, (await admin.GetOk($"/api/cases/{created["id"]}"))["applicant"]!["idNumber"]!.GetValue<string>());

        var views = await admin.GetOk($"/api/admin/disclosures?caseId={created["id"]}");
        var view = Assert.Single(views["items"]!.AsArray())!;
        Assert.Equal((Seed.Caseworker, "applicant.idNumber"), (view["username"]!.GetValue<string>(), view["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Every_change_an_administrator_makes_is_recorded_with_who_and_what_and_no_password()
    {
        var (host, admin, _) = await StartSeededAsync();
        await admin.PatchOk($"/api/admin/users/{Seed.TownshipOfficer}", new { roles = new[] { "village-caseworker" } });
        await Api.Expect(await admin.PostAsync($"/api/admin/users/{Seed.TownshipOfficer}/password", new { password = "new-password-9" }),
            HttpStatusCode.NoContent);
        // A refused change leaves no record.
        await Api.ExpectProblem(await admin.PatchAsync($"/api/admin/users/{Seed.TownshipOfficer}", new { roles = new[] { "chief" } }),
            HttpStatusCode.UnprocessableEntity);

        var actions = (await admin.GetOk($"/api/admin/actions?username={ServiceHost.AdminUser}"))["items"]!.AsArray();
        var (password, patch) = (actions[0]!, actions[1]!);
        Assert.Equal("PATCH /api/admin/users/{username}", patch["action"]!.GetValue<string>());
        Assert.Equal($"username={Seed.TownshipOfficer}", patch["target"]!.GetValue<string>());
        Assert.Equal(["village-caseworker"], patch["details"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("POST /api/admin/users/{username}/password", password["action"]!.GetValue<string>());
        Assert.DoesNotContain("new-password-9", actions.ToJsonString());
        // The seed's own users and regions are there too, before these.
        Assert.Contains(actions, a => a!["action"]!.GetValue<string>() == "POST /api/admin/users");
        await Api.ExpectProblem(await (await host.LoginAsync(Seed.CountyOfficer)).GetAsync("/api/admin/actions"), HttpStatusCode.Forbidden);
    }
}
