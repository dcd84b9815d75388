using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>Shipped definitions in workflows/ are published at start when their revision is newer than what
/// the database holds — never when they are invalid, and never over a version the region published itself.</summary>
public sealed class DefinitionImportTests(PostgresFixture postgres) : PostgresTest(postgres), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wf-defs-").FullName;

    private string Shipped => Path.Combine(_folder, "22", "migrant-worker-aid.json");

    private void Ship(Action<JsonObject> change)
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Workflows, "22", "migrant-worker-aid.json")))!.AsObject();
        change(definition);
        Directory.CreateDirectory(Path.GetDirectoryName(Shipped)!);
        File.WriteAllText(Shipped, definition.ToJsonString());
    }

    private async Task<JsonArray> VersionsAfterStartAsync(string database, Dictionary<string, string?>? settings = null)
    {
        var host = StartOn(database, settings: new(settings ?? new()) { ["Definitions:Path"] = _folder });
        var admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var versions = (await admin.GetOk("/api/definitions/migrant-worker-aid/versions?region=22")).AsArray();
        await host.DisposeAsync();
        return versions;
    }

    [Fact]
    public async Task A_newer_revision_is_published_once_and_an_invalid_one_never()
    {
        var database = await NewDatabaseAsync();
        Ship(_ => { });
        Assert.Single(await VersionsAfterStartAsync(database));
        Assert.Single(await VersionsAfterStartAsync(database)); // same revision: nothing new

        Ship(d => { d["revision"] = d["revision"]!.GetValue<int>() + 1; d["parameters"]!["maxAmount"] = 900; });
        var versions = await VersionsAfterStartAsync(database);
        Assert.Equal(2, versions.Count);
        Assert.Equal("workflows/", versions[1]!["publishedBy"]!.GetValue<string>());

        Ship(d => { d["revision"] = d["revision"]!.GetValue<int>() + 2; d["start"] = "nowhere"; });
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => VersionsAfterStartAsync(database));
        Assert.Contains("start: 没有步骤 'nowhere'", refused.ToString());
        Assert.Equal(2, (await VersionsAfterStartAsync(database, new() { ["Definitions:FailOnInvalid"] = "false" })).Count);
    }

    [Fact]
    public async Task A_newer_shipped_revision_never_overrides_a_version_the_province_published_itself()
    {
        var database = await NewDatabaseAsync();
        Ship(_ => { });
        var host = StartOn(database, settings: new() { ["Definitions:Path"] = _folder });
        var admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var own = (await admin.GetOk("/api/definitions/migrant-worker-aid?region=22")).AsObject();
        own.Remove("version");
        own.Remove("publishedAt");
        own["parameters"]!["maxAmount"] = 800;
        await Api.Expect(await admin.PutAsync("/api/definitions/migrant-worker-aid/draft?region=22", own), System.Net.HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/migrant-worker-aid/publish?region=22");
        await host.DisposeAsync();

        Ship(d => { d["revision"] = d["revision"]!.GetValue<int>() + 1; d["parameters"]!["maxAmount"] = 900; });
        var versions = await VersionsAfterStartAsync(database);
        Assert.Equal(2, versions.Count);
        Assert.Equal(ServiceHost.AdminUser, versions[1]!["publishedBy"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
