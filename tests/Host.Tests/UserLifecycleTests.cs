using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>
/// Users that can be stopped (API.md, Administration, continued): a change of roles, region, status or password holds
/// from the user's next request — a token issued before it is refused with 401, and a live push connection is closed —
/// and admins administer only the users of their own jurisdiction.
/// </summary>
public sealed class UserLifecycleTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static async Task<HttpResponseMessage> WithTokenAsync(ServiceHost host, string token, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await host.CreateClient().SendAsync(request);
    }

    private static async Task<string> TokenAsync(ServiceHost host, string username, string password = Seed.Password) =>
        (await host.Anonymous().PostOk("/api/auth/token", new { username, password }))["accessToken"]!.GetValue<string>();

    [Fact]
    public async Task A_demoted_township_officer_cannot_approve_with_the_token_they_held()
    {
        var host = StartOn(await NewDatabaseAsync(), kestrel: true);
        var admin = await Seed.RunAsync(host);
        var created = await (await host.LoginAsync(Seed.Caseworker)).PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await (await host.LoginAsync(Seed.Caseworker)).PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });
        var token = await TokenAsync(host, Seed.TownshipOfficer);
        await using var pushes = await TaskListener.ConnectAsync(host.Address!, Seed.TownshipOfficer);
        var review = (await (await host.LoginAsync(Seed.TownshipOfficer)).GetOk("/api/tasks"))["items"]![0]!["id"]!.GetValue<string>();

        var demoted = await admin.PatchOk($"/api/admin/users/{Seed.TownshipOfficer}", new { roles = new[] { "village-caseworker" }, regionCode = Seed.Village });
        Assert.Equal(["village-caseworker"], demoted["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        // The old token is refused on the next request; the task is still open for whoever may approve it now.
        var refused = await WithTokenAsync(host, token, HttpMethod.Post, $"/api/tasks/{review}/complete", new { outcome = "approve" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithTokenAsync(host, token, HttpMethod.Get, "/api/tasks")).StatusCode);
        var view = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("township-review", view["step"]!.GetValue<string>());
        Assert.Empty(view["payments"]!.AsArray());
        // The push connection opened with that token is closed at once (the change was made on this host).
        Assert.Same(pushes.Closed, await Task.WhenAny(pushes.Closed, Task.Delay(TimeSpan.FromSeconds(10))));
        // Signed in again, the user is what the admin made them.
        var again = await host.LoginAsync(Seed.TownshipOfficer);
        Assert.DoesNotContain((await again.GetOk("/api/tasks"))["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == review);
    }

    [Fact]
    public async Task A_change_made_on_another_host_closes_the_push_connections_within_the_stamp_check()
    {
        var database = await NewDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Auth:StampCheckSeconds"] = "1" };
        var serving = StartOn(database, settings: settings, kestrel: true);
        await Seed.RunAsync(serving);
        var other = StartOn(database, settings: settings);
        await using var pushes = await TaskListener.ConnectAsync(serving.Address!, Seed.TownshipOfficer);
        await (await other.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword))
            .PatchOk($"/api/admin/users/{Seed.TownshipOfficer}", new { disabled = true });
        // The serving host learns it from the shared database, not from the host that made the change.
        Assert.Same(pushes.Closed, await Task.WhenAny(pushes.Closed, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_a_new_password_ends_the_old_tokens()
    {
        var host = StartOn(await NewDatabaseAsync());
        var admin = await Seed.RunAsync(host);
        var token = await TokenAsync(host, Seed.Caseworker);

        var disabled = await admin.PatchOk($"/api/admin/users/{Seed.Caseworker}", new { disabled = true });
        Assert.True(disabled["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithTokenAsync(host, token, HttpMethod.Get, "/api/tasks")).StatusCode);
        var login = await host.Anonymous().PostAsync("/api/auth/token", new { username = Seed.Caseworker, password = Seed.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("停用", await login.Content.ReadAsStringAsync());

        await admin.PatchOk($"/api/admin/users/{Seed.Caseworker}", new { disabled = false });
        token = await TokenAsync(host, Seed.Caseworker);
        Assert.Equal(HttpStatusCode.OK, (await WithTokenAsync(host, token, HttpMethod.Get, "/api/tasks")).StatusCode);
        // Any change ends the tokens issued before it (API.md), a new name too: the next sign-in carries what is now true.
        await admin.PatchOk($"/api/admin/users/{Seed.Caseworker}", new { displayName = "东风社区协理员" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithTokenAsync(host, token, HttpMethod.Get, "/api/tasks")).StatusCode);
        token = await TokenAsync(host, Seed.Caseworker);
        await Api.Expect(await admin.PostAsync($"/api/admin/users/{Seed.Caseworker}/password", new { password = "new-password-456" }),
            HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithTokenAsync(host, token, HttpMethod.Get, "/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await host.Anonymous().PostAsync("/api/auth/token", new { username = Seed.Caseworker, password = Seed.Password })).StatusCode);
        await TokenAsync(host, Seed.Caseworker, "new-password-456");
    }

    [Fact]
    public async Task Admins_change_only_users_of_their_jurisdiction_never_themselves_and_bad_changes_name_the_field()
    {
        var host = StartOn(await NewDatabaseAsync());
        var admin = await Seed.RunAsync(host);
        await admin.PostOk("/api/admin/regions", new { code = "64", name = "宁夏回族自治区" }, HttpStatusCode.Created);
        await admin.PostOk("/api/admin/users", new
        {
            username = "jl-admin", password = Seed.Password, displayName = "吉林省管理员", roles = new[] { "province-admin" }, regionCode = "22",
        }, HttpStatusCode.Created);
        await admin.PostOk("/api/admin/users", new
        {
            username = "nx-officer", password = Seed.Password, displayName = "宁夏", roles = new[] { "township-officer" }, regionCode = "64",
        }, HttpStatusCode.Created);
        var province = await host.LoginAsync("jl-admin");

        await province.PatchOk($"/api/admin/users/{Seed.Caseworker}", new { regionCode = Seed.OtherVillage });
        Assert.Equal(HttpStatusCode.NotFound, (await province.PatchAsync("/api/admin/users/nx-officer", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await province.PatchAsync($"/api/admin/users/{Seed.Caseworker}", new { regionCode = "64" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await province.PatchAsync($"/api/admin/users/{Seed.Caseworker}",
            new { roles = new[] { "system-admin" } })).StatusCode);
        // The system admin (all of the country) is outside a province admin's jurisdiction.
        Assert.Equal(HttpStatusCode.NotFound, (await province.PatchAsync($"/api/admin/users/{ServiceHost.AdminUser}", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await host.LoginAsync(Seed.TownshipOfficer))
            .PatchAsync($"/api/admin/users/{Seed.Caseworker}", new { disabled = true })).StatusCode);
        await Api.ExpectProblem(await province.PatchAsync("/api/admin/users/jl-admin", new { disabled = true }), HttpStatusCode.UnprocessableEntity, "disabled");
        await Api.ExpectProblem(await province.PatchAsync($"/api/admin/users/{Seed.Caseworker}", new { roles = new[] { "mayor" } }),
            HttpStatusCode.UnprocessableEntity, "roles");
        await Api.ExpectProblem(await province.PatchAsync($"/api/admin/users/{Seed.Caseworker}", new { regionCode = "22010" }),
            HttpStatusCode.UnprocessableEntity, "regionCode");
        await Api.ExpectProblem(await province.PatchAsync($"/api/admin/users/{Seed.Caseworker}", new { regionCode = "220102009" }),
            HttpStatusCode.UnprocessableEntity, "regionCode");
        await Api.ExpectProblem(await admin.PostAsync($"/api/admin/users/{Seed.Caseworker}/password", new { password = "short" }),
            HttpStatusCode.UnprocessableEntity, "password");
        var kept = await admin.GetOk($"/api/admin/users/{Seed.Caseworker}");
        Assert.Equal((Seed.OtherVillage, false), (kept["regionCode"]!.GetValue<string>(), kept["disabled"]!.GetValue<bool>()));
    }
}
