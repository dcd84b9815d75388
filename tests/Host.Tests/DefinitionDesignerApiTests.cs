using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>The designer's routes (API.md, Definitions): who may write, drafts that never overwrite silently, import and export.</summary>
public sealed class DefinitionDesignerApiTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static async Task<Api> ProvinceAdminAsync(ServiceHost host, Api admin, string username, string province)
    {
        await admin.PostOk("/api/admin/users", new
        {
            username, password = Seed.Password, displayName = username, roles = new[] { "province-admin" }, regionCode = province,
        }, HttpStatusCode.Created);
        return await host.LoginAsync(username);
    }

    private static async Task<JsonObject> PublishedAsync(Api api, string key, string region)
    {
        var definition = (await api.GetOk($"/api/definitions/{key}?region={region}")).AsObject();
        definition.Remove("version");
        definition.Remove("publishedAt");
        return definition;
    }

    private static async Task<HttpResponseMessage> PutDraftAsync(Api api, JsonObject definition, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put,
            $"/api/definitions/{definition["key"]}/draft?region={definition["regionCode"]}")
        {
            Content = new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\""));
        return await api.Http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> ImportAsync(Api api, string region, string text) =>
        await api.Http.PostAsync($"/api/definitions/import?region={region}", new StringContent(text, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_definition_fetched_with_GET_saves_back_unchanged_as_a_draft_and_publishes()
    {
        var (host, admin, _) = await StartSeededAsync();
        var fetched = (await admin.GetOk("/api/definitions/dibao?region=22")).AsObject();
        Assert.NotNull(fetched["publishedAt"]);
        // Before, the service refused its own publishedAt ("is not a known property"): a county's system doing this round trip failed.
        var saved = await Api.Expect(await PutDraftAsync(admin, fetched, null), HttpStatusCode.OK);
        Assert.True(saved["valid"]!.GetValue<bool>(), saved.ToJsonString());
        var draft = await admin.GetOk("/api/definitions/dibao/draft?region=22");
        Assert.Null(draft["publishedAt"]);
        Assert.Null(draft["version"]);
        Assert.True((await admin.PostOk("/api/definitions/validate", fetched))["valid"]!.GetValue<bool>());
        var published = await admin.PostOk("/api/definitions/dibao/publish?region=22");
        Assert.Equal(fetched["version"]!.GetValue<int>() + 1, published["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_shipped_definition_fetched_with_GET_saves_back_as_a_valid_draft_and_publishes_as_itself()
    {
        var (_, admin, _) = await StartSeededAsync();
        var listed = (await admin.GetOk("/api/definitions")).AsArray();
        Assert.True(listed.Count >= 20, $"{listed.Count} definitions listed");
        foreach (var entry in listed)
        {
            var (key, region) = (entry!["key"]!.GetValue<string>(), entry["regionCode"]!.GetValue<string>());
            var fetched = (await admin.GetOk($"/api/definitions/{key}?region={region}")).AsObject();
            var saved = await Api.Expect(await PutDraftAsync(admin, fetched, null), HttpStatusCode.OK);
            Assert.True(saved["valid"]!.GetValue<bool>(), $"{key}@{region}: {saved.ToJsonString()}");
            var published = await admin.PostOk($"/api/definitions/{key}/publish?region={region}");
            Assert.Equal(fetched["version"]!.GetValue<int>() + 1, published["version"]!.GetValue<int>());
            var republished = (await admin.GetOk($"/api/definitions/{key}?region={region}")).AsObject();
            foreach (var field in new[] { "version", "publishedAt" })
            {
                fetched.Remove(field);
                republished.Remove(field);
            }
            Assert.True(JsonNode.DeepEquals(fetched, republished), $"{key}@{region} changed:\n{fetched.ToJsonString()}\n{republished.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Only_admins_of_the_province_write_its_definitions()
    {
        var (host, admin, _) = await StartSeededAsync();
        var jilinAdmin = await ProvinceAdminAsync(host, admin, "jl-admin", "22");
        var ningxia = await PublishedAsync(admin, "dibao", "64");

        await Api.ExpectProblem(await PutDraftAsync(jilinAdmin, ningxia, null), HttpStatusCode.Forbidden);
        var country = await PublishedAsync(admin, "dibao", "");
        await Api.ExpectProblem(await PutDraftAsync(jilinAdmin, country, null), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await jilinAdmin.PostAsync("/api/definitions/dibao/publish?region=64"), HttpStatusCode.Forbidden);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        await Api.ExpectProblem(await PutDraftAsync(caseworker, await PublishedAsync(admin, "dibao", "22"), null), HttpStatusCode.Forbidden);
        // Reading is for every official: the caseworker sees which version governs their cases.
        Assert.Equal(1, (await caseworker.GetOk("/api/definitions/dibao?region=22"))["version"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, (await PutDraftAsync(jilinAdmin, await PublishedAsync(admin, "dibao", "22"), "0")).StatusCode);
    }

    [Fact]
    public async Task Two_admins_starting_from_one_revision_get_one_save_and_one_409_naming_who_saved()
    {
        var (host, admin, _) = await StartSeededAsync();
        var first = await ProvinceAdminAsync(host, admin, "jl-admin", "22");
        var second = await ProvinceAdminAsync(host, admin, "jl-admin2", "22");
        var definition = await PublishedAsync(first, "dibao", "22");

        // Both open the published version: no draft yet (revision 0).
        var saved = await PutDraftAsync(first, definition, "0");
        Assert.Equal(1, (await Api.Expect(saved, HttpStatusCode.OK))["revision"]!.GetValue<int>());
        Assert.Equal("\"1\"", saved.Headers.ETag!.Tag);
        definition["name"] = "第二位管理员的名称";
        var refused = await Api.ExpectProblem(await PutDraftAsync(second, definition, "0"), HttpStatusCode.Conflict);
        Assert.Contains("jl-admin", refused["detail"]!.GetValue<string>());

        // The second reloads: the draft and its revision, and saves on top of it.
        var draft = await second.GetAsync("/api/definitions/dibao/draft?region=22");
        Assert.Equal("\"1\"", draft.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await PutDraftAsync(second, definition, "1")).StatusCode);
        Assert.Equal("第二位管理员的名称", JsonNode.Parse(await (await second.GetAsync("/api/definitions/dibao/draft?region=22")).Content.ReadAsStringAsync())!["name"]!.GetValue<string>());

        // A draft published meanwhile is gone: saving on the old revision is refused, not silently recreated.
        await first.PostOk("/api/definitions/dibao/publish?region=22");
        await Api.ExpectProblem(await PutDraftAsync(second, definition, "2"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_exported_version_imports_into_another_province_as_its_draft_and_a_malformed_file_is_refused()
    {
        var (host, admin, _) = await StartSeededAsync();
        await admin.PostOk("/api/admin/regions", new { code = "64", name = "宁夏回族自治区" }, HttpStatusCode.Created);
        var ningxiaAdmin = await ProvinceAdminAsync(host, admin, "nx-admin", "64");

        var export = await ningxiaAdmin.GetAsync("/api/definitions/orphan-support/export?region=50");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("orphan-support-50-v1.json", export.Content.Headers.ContentDisposition!.FileNameStar ?? export.Content.Headers.ContentDisposition.FileName);
        var file = await export.Content.ReadAsStringAsync();
        Assert.Equal("50", JsonNode.Parse(file)!["regionCode"]!.GetValue<string>());

        var imported = await Api.Expect(await ImportAsync(ningxiaAdmin, "64", file), HttpStatusCode.OK);
        Assert.Equal("orphan-support", imported["key"]!.GetValue<string>());
        Assert.True(imported["valid"]!.GetValue<bool>());
        var draft = JsonNode.Parse(await (await ningxiaAdmin.GetAsync("/api/definitions/orphan-support/draft?region=64")).Content.ReadAsStringAsync())!;
        Assert.Equal("64", draft["regionCode"]!.GetValue<string>());
        Assert.Equal(1, (await ningxiaAdmin.PostOk("/api/definitions/orphan-support/publish?region=64"))["version"]!.GetValue<int>());
        // Chongqing's own version is untouched.
        Assert.Single((await admin.GetOk("/api/definitions/orphan-support/versions?region=50")).AsArray());

        var broken = await Api.ExpectProblem(await ImportAsync(ningxiaAdmin, "64", "{\"key\": \"dibao\", \"steps\": ["), HttpStatusCode.UnprocessableEntity, "file");
        Assert.Contains("不是有效的 JSON", broken["errors"]!["file"]![0]!.GetValue<string>());
        await Api.ExpectProblem(await ImportAsync(ningxiaAdmin, "64", "[1, 2]"), HttpStatusCode.UnprocessableEntity, "file");
        await Api.ExpectProblem(await ImportAsync(ningxiaAdmin, "64", "{\"key\": \"Dibao!\", \"steps\": []}"), HttpStatusCode.UnprocessableEntity, "key");
        await Api.ExpectProblem(await ImportAsync(ningxiaAdmin, "64", "{\"key\": \"dibao\"}"), HttpStatusCode.UnprocessableEntity, "steps");
        await Api.ExpectProblem(await ImportAsync(ningxiaAdmin, "22", file), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await ningxiaAdmin.GetAsync("/api/definitions/dibao/draft?region=64"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_vocabulary_offers_exactly_what_the_validator_accepts()
    {
        var (_, admin, _) = await StartSeededAsync();
        var vocabulary = await admin.GetOk("/api/definitions/vocabulary");
        Assert.Equal(["task", "decision", "action", "payment", "timer", "notice", "subprocedure", "end"],
            vocabulary["kinds"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Contains("township-approver", vocabulary["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["province", "city", "county", "township", "village"], vocabulary["levels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Contains("dibao-subsidy", vocabulary["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(30, vocabulary["maxNoticeWorkingDays"]!.GetValue<int>());
    }
}
