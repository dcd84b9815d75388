using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>Finding cases (GET /api/cases?q=), region names (GET /api/regions) and the officials an admin keeps
/// (GET /api/admin/users), each within the caller's jurisdiction.</summary>
public sealed class CaseSearchTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task Cases_are_found_by_name_and_by_the_id_digits_a_masked_list_shows()
    {
        var (host, admin, _) = await StartSeededAsync();
        await admin.PostOk("/api/admin/users", new
        {
            username = "finance", password = Seed.Password, displayName = "财务", roles = new[] { "finance-officer" }, regionCode = Seed.County,
        }, HttpStatusCode.Created);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var wang = IdNumbers.Next();
        var li = IdNumbers.Next();
        await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber: wang, name: "王小明"), HttpStatusCode.Created);
        await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(idNumber: li, name: "李小红"), HttpStatusCode.Created);
        var county = await host.LoginAsync(Seed.CountyOfficer);

        async Task<string[]> Names(Api api, string q) =>
            (await api.GetOk($"/api/cases?q={Uri.EscapeDataString(q)}"))["items"]!.AsArray().Select(c => c!["applicant"]!["name"]!.GetValue<string>()).ToArray();

        Assert.Equal(["王小明"], await Names(county, "小明"));
        Assert.Equal(["王小明"], await Names(county, wang));
        Assert.Equal(["王小明"], await Names(county, wang[^4..]));
        Assert.Equal(["王小明"], await Names(county, wang[..6] + "********" + wang[^4..]));
        Assert.Equal(["李小红"], await Names(county, li[11..17])); // digits inside: officials who check identity may search them
        Assert.Empty(await Names(county, "张"));

        // A role that sees only masked numbers may ask for what a list shows, never for digits it hides.
        var finance = await host.LoginAsync("finance");
        Assert.Equal(["王小明"], await Names(finance, wang[..6] + "********" + wang[^4..]));
        await Api.ExpectProblem(await finance.GetAsync($"/api/cases?q={wang[..7]}*{wang[^4..]}"), HttpStatusCode.UnprocessableEntity, "q");
        await Api.ExpectProblem(await finance.GetAsync($"/api/cases?q={li[11..17]}"), HttpStatusCode.UnprocessableEntity, "q");

        // Nothing outside the caller's region: the other township's officer finds neither.
        var other = await host.LoginAsync(Seed.OtherTownshipOfficer);
        Assert.Empty(await Names(other, "小明"));
        Assert.Empty(await Names(other, wang));
    }

    [Fact]
    public async Task Region_names_and_officials_are_listed_within_the_callers_region()
    {
        var (host, admin, _) = await StartSeededAsync();
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        var codes = (await township.GetOk("/api/regions")).AsArray().Select(r => r!["code"]!.GetValue<string>()).ToArray();
        // Its own township, the villages below, the county, city and province above; not the neighbouring township.
        Assert.Equal(["22", "2201", Seed.County, Seed.Township, Seed.Village, Seed.OtherVillage], codes);
        var asked = (await township.GetOk($"/api/regions?under={Seed.OtherTownship}")).AsArray().Select(r => r!["code"]!.GetValue<string>());
        Assert.DoesNotContain(Seed.OtherTownship, asked);

        var users = (await admin.GetOk($"/api/admin/users?regionCode={Seed.County}")).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray();
        Assert.Equal([Seed.CountyOfficer, Seed.TownshipOfficer, Seed.Caseworker, Seed.OtherTownshipOfficer], users);
        await Api.ExpectProblem(await township.GetAsync("/api/admin/users"), HttpStatusCode.Forbidden);
        await admin.PostOk("/api/admin/users", new
        {
            username = "jl-admin", password = Seed.Password, displayName = "省管理员", roles = new[] { "province-admin" }, regionCode = "22",
        }, HttpStatusCode.Created);
        var province = await host.LoginAsync("jl-admin");
        var seen = (await province.GetOk("/api/admin/users")).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray();
        Assert.Contains(Seed.Caseworker, seen);
        Assert.DoesNotContain(ServiceHost.AdminUser, seen); // the system admin is not a province's to keep
        await Api.ExpectProblem(await province.GetAsync("/api/admin/users?regionCode=64"), HttpStatusCode.Forbidden);
    }
}
