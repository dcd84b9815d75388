using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;

namespace Workflows.Host.Tests;

/// <summary>A township's reserve fund (API.md, Reserve fund; DOMAIN.md, 先行救助: "pay at once from the township reserve
/// fund", JL 004 §四(二), CQ 000 §一(二), which the county allocates and replenishes): 先行救助 is paid from it at once, in
/// the case's own transaction, and never beyond its balance — not even by two responders at the same instant.</summary>
public sealed class ReserveFundTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static object Aid(decimal amount) => new
    {
        regionCode = Seed.Village, applicant = new { name = "赵六", idNumber = IdNumbers.Next() }, amount, reason = "房屋失火，生活无着",
    };

    private async Task<(ServiceHost Host, Api County, Api Responder)> StartAsync()
    {
        var (host, admin, _) = await StartSeededAsync();
        await admin.PostOk("/api/admin/users", new
        {
            username = "responder", password = Seed.Password, displayName = "应急", roles = new[] { "emergency-responder" }, regionCode = Seed.Township,
        }, HttpStatusCode.Created);
        return (host, await host.LoginAsync(Seed.CountyOfficer), await host.LoginAsync("responder"));
    }

    [Fact]
    public async Task Aid_within_the_balance_is_paid_at_once_and_above_it_waits_for_the_county_with_the_balance_said()
    {
        var (_, county, responder) = await StartAsync();
        await county.PostOk($"/api/reserve-funds/{Seed.Township}/allocations", new { amount = 500, note = "一季度" }, HttpStatusCode.Created);

        var above = await responder.PostOk("/api/emergency-aid", Aid(800), HttpStatusCode.Created);
        Assert.Equal("pending", Assert.Single(above["payments"]!.AsArray())!["status"]!.GetValue<string>());
        var said = above["history"]!.AsArray().Single(h => h!["action"]!.GetValue<string>() == "reserve-fund-insufficient")!;
        Assert.Equal(500m, said["details"]!["balance"]!.GetValue<decimal>());
        Assert.Contains("转县级发放", said["details"]!["message"]!.GetValue<string>());

        var within = await responder.PostOk("/api/emergency-aid", Aid(300), HttpStatusCode.Created);
        Assert.Equal("paid", Assert.Single(within["payments"]!.AsArray())!["status"]!.GetValue<string>());
        var fund = await responder.GetOk($"/api/reserve-funds/{Seed.Township}");
        Assert.Equal(200m, fund["balance"]!.GetValue<decimal>());
        Assert.Equal([("allocation", 500m, 500m), ("payment", -300m, 200m)], fund["entries"]!.AsArray()
            .Select(e => (e!["kind"]!.GetValue<string>(), e["amount"]!.GetValue<decimal>(), e["balanceAfter"]!.GetValue<decimal>())));
        Assert.Equal(within["id"]!.GetValue<string>(), fund["entries"]![1]!["caseId"]!.GetValue<string>());

        await Api.ExpectProblem(await county.PostAsync($"/api/reserve-funds/{Seed.Township}/returns", new { amount = 200.01 }),
            HttpStatusCode.UnprocessableEntity, "amount");
        var returned = await county.PostOk($"/api/reserve-funds/{Seed.Township}/returns", new { amount = 200, note = "年末收回" }, HttpStatusCode.Created);
        Assert.Equal(0m, returned["balance"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Two_emergency_payments_at_the_same_instant_against_a_fund_for_one_pay_exactly_one()
    {
        var (host, county, _) = await StartAsync();
        await county.PostOk($"/api/reserve-funds/{Seed.Township}/allocations", new { amount = 1000 }, HttpStatusCode.Created);
        var responders = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => host.LoginAsync("responder")));

        for (var round = 0; round < 5; round++)
        {
            // Both read a balance that covers one of them; the fund's version lets only one debit commit.
            var replies = await Task.WhenAll(responders.Select(r => r.PostAsync("/api/emergency-aid", Aid(800))));
            foreach (var reply in replies)
                Assert.True(reply.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{reply.StatusCode}");
            var fund = await county.GetOk($"/api/reserve-funds/{Seed.Township}");
            Assert.True(fund["balance"]!.GetValue<decimal>() >= 0);
            Assert.Equal(200m, fund["balance"]!.GetValue<decimal>());
        }
        var admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var payments = (await admin.GetOk("/api/payments?pageSize=100"))["items"]!.AsArray();
        Assert.Single(payments, p => p!["status"]!.GetValue<string>() == "paid");
        var ledger = (await county.GetOk($"/api/reserve-funds/{Seed.Township}"))["entries"]!.AsArray();
        Assert.Equal(2, ledger.Count);
    }

    [Fact]
    public async Task An_allocation_is_refused_naming_the_field_or_the_rule()
    {
        var (host, county, responder) = await StartAsync();
        await Api.ExpectProblem(await county.PostAsync($"/api/reserve-funds/{Seed.Township}/allocations", new { amount = 0 }),
            HttpStatusCode.UnprocessableEntity, "amount");
        await Api.ExpectProblem(await county.PostAsync($"/api/reserve-funds/{Seed.Township}/allocations", new { amount = 10.001 }),
            HttpStatusCode.UnprocessableEntity, "amount");
        await Api.ExpectProblem(await county.PostAsync($"/api/reserve-funds/{Seed.County}/allocations", new { amount = 10 }),
            HttpStatusCode.UnprocessableEntity, "townshipCode");
        await Api.ExpectProblem(await responder.PostAsync($"/api/reserve-funds/{Seed.Township}/allocations", new { amount = 10 }),
            HttpStatusCode.Forbidden);
        // A finance officer of the township itself does not put money into its own fund: its county does (API.md).
        await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).PostOk("/api/admin/users", new
        {
            username = "township-finance", password = Seed.Password, displayName = "乡镇财政", roles = new[] { "finance-officer" },
            regionCode = Seed.Township,
        }, HttpStatusCode.Created);
        await Api.ExpectProblem(await (await host.LoginAsync("township-finance")).PostAsync($"/api/reserve-funds/{Seed.Township}/allocations",
            new { amount = 10 }), HttpStatusCode.Forbidden);
        var other = await host.LoginAsync(Seed.OtherTownshipOfficer);
        await Api.ExpectProblem(await other.GetAsync($"/api/reserve-funds/{Seed.Township}"), HttpStatusCode.NotFound);
        Assert.Empty((await county.GetOk($"/api/reserve-funds/{Seed.Township}"))["entries"]!.AsArray());
    }
}
