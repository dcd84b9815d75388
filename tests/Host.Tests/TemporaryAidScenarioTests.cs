using System.Net;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>临时救助 in the provinces whose notices differ, through HTTP to payment (standard: urban 700 yuan).</summary>
public sealed class TemporaryAidScenarioTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    internal static object Application(Province p, string aidType, decimal requestedAmount, bool individual = false, int? instalments = null,
        int members = 3) => new
    {
        procedure = "temporary-aid",
        regionCode = p.Village,
        applicant = new { name = "王五", idNumber = IdNumbers.Next() },
        household = new { members = Enumerable.Range(0, members).Select(i => new { name = $"成员{i}", idNumber = IdNumbers.Next(), relation = i == 0 ? "self" : "child" }) },
        data = new { aidType, requestedAmount, individual, instalments, residence = "rural" },
    };

    [Theory]
    [InlineData("emergency", false, 4200)]   // 2 × 700 × 3 people (003 §二(二))
    [InlineData("expenditure", false, 6300)] // 3 × 700 × 3
    [InlineData("emergency", true, 1050)]    // an individual: 1.5 × 700
    public async Task Ningxia_pays_its_multiple_of_the_urban_standard_per_person(string aidType, bool individual, decimal expected)
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        var caseworker = await host.LoginAsync("64-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Ningxia, aidType, 1, individual), HttpStatusCode.Created);
        Assert.Equal(expected, created["data"]!["standardAmount"]!["amount"]!.GetValue<decimal>());
        var paid = await CompleteAsync(host, Ningxia, "township-approver", "township-review", new { outcome = "approve" });
        Assert.Equal(expected, paid["payments"]![0]!["amount"]!.GetValue<decimal>());
        Assert.Equal("approved", paid["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Jilin_sends_emergency_aid_above_1000_yuan_to_the_county()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var created = await (await host.LoginAsync("22-village-caseworker")).PostOk("/api/cases", Application(Jilin, "emergency", 1200), HttpStatusCode.Created);
        Assert.Equal("county", created["data"]!["authority"]!["level"]!.GetValue<string>()); // 1200 > 1000 (004 §四(一))
        Assert.Empty((await (await host.LoginAsync("22-township-approver")).GetOk("/api/tasks"))["items"]!.AsArray());
        await CompleteAsync(host, Jilin, "township-officer", "township-review", new { outcome = "approve" });
        var paid = await CompleteAsync(host, Jilin, "county-approver", "county-approval", new { outcome = "approve" });
        Assert.Equal(1200m, paid["payments"]![0]!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Jilin_approves_expenditure_aid_once_and_pays_it_in_instalments()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        // 4000 ≤ 6 × 700 = 4200: the township's own authority (004 §四(一)); three instalments (004 §四(二)).
        var created = await (await host.LoginAsync("22-village-caseworker"))
            .PostOk("/api/cases", Application(Jilin, "expenditure", 4000, instalments: 3), HttpStatusCode.Created);
        Assert.Equal("township", created["data"]!["authority"]!["level"]!.GetValue<string>());
        var first = await CompleteAsync(host, Jilin, "township-approver", "township-approval", new { outcome = "approve" });
        Assert.Equal(1333.33m, first["payments"]![0]!["amount"]!.GetValue<decimal>()); // ⌊4000 ÷ 3⌋ to the fen
        Assert.Equal("next-instalment", first["step"]!.GetValue<string>());

        // 21 working days later, the Spring Festival in between (the 14th, 24th–28th February, 2nd–20th March): the second;
        // the third 21 working days after the second was paid.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 20, 9, 0, 0, Beijing) });
        var early = await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}");
        Assert.Single(early["payments"]!.AsArray());
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 3, 21, 9, 0, 0, Beijing) });
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 6, 1, 9, 0, 0, Beijing) });
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var done = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal([1333.33m, 1333.33m, 1333.34m], done["payments"]!.AsArray().Select(p => p!["amount"]!.GetValue<decimal>()));
        Assert.Equal("approved", done["status"]!.GetValue<string>());
        Assert.Equal(4000m, done["decision"]!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_refusal_states_its_reason_and_pays_nothing()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Ningxia);
        await (await host.LoginAsync("64-village-caseworker")).PostOk("/api/cases", Application(Ningxia, "expenditure", 1), HttpStatusCode.Created);
        var refused = await CompleteAsync(host, Ningxia, "township-approver", "township-review",
            new { outcome = "reject", comment = "医疗费用已由医保全额报销" });
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Equal("医疗费用已由医保全额报销", refused["decision"]!["reason"]!.GetValue<string>());
        Assert.Empty(refused["payments"]!.AsArray());
    }

    [Fact]
    public async Task A_Jilin_review_for_the_county_left_past_its_deadline_goes_up_to_the_county()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        await (await host.LoginAsync("22-village-caseworker")).PostOk("/api/cases", Application(Jilin, "emergency", 1500), HttpStatusCode.Created);
        // 5 working days from Friday 13 February 2026: 14, 24, 25, 26, 27 February.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 2, 28, 9, 0, 0, Beijing) });
        var escalated = Assert.Single((await (await host.LoginAsync("22-county-officer")).GetOk("/api/tasks"))["items"]!.AsArray())!;
        Assert.Equal("township-review", escalated["step"]!.GetValue<string>());
        Assert.True(escalated["escalated"]!.GetValue<bool>());
    }
}
