using System.Net;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>Seed 001 §一(四): "对年满18周岁的孤儿暂停开展基本生活保障退出工作，待疫情结束后的次月退出保障范围". Chongqing's
/// orphan support runs to the month a child turns 18; in the epidemic an orphan stays covered, and once the province
/// publishes the day the epidemic ended (a live parameter, which cases already running read) the orphan is paid through
/// the month after it and leaves. A de-facto unsupported child (事实无人抚养儿童) is not named by that sentence: it leaves at 18.</summary>
public sealed class OrphanAdulthoodTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    private static object Application(string childType, string name, int seq) => new
    {
        procedure = "orphan-support",
        regionCode = Chongqing.Village,
        // Born in April 2008: 18 in April 2026.
        applicant = new { name, idNumber = IdNumbers.Make("500155", new DateOnly(2008, 4, 10), seq), bankAccount = "6222020200112233445" },
        data = new { childType, documents = true },
    };

    private static DateTimeOffset FirstOf(int month) => new(2026, month, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task An_orphan_turning_18_in_the_epidemic_is_kept_until_the_month_after_it_ends_an_unsupported_child_leaves_at_18()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Chongqing);
        var caseworker = await host.LoginAsync("50-village-caseworker");
        var orphan = await caseworker.PostOk("/api/cases", Application("orphan", "王小明", 11), HttpStatusCode.Created);
        var unsupported = await caseworker.PostOk("/api/cases", Application("unsupported", "赵小红", 12), HttpStatusCode.Created);
        foreach (var child in new[] { orphan, unsupported })
        {
            await CompleteAsync(host, Chongqing, "township-officer", "township-review", new { outcome = "approve" }, child);
            var approved = await CompleteAsync(host, Chongqing, "county-approver", "county-approval", new { outcome = "approve" }, child);
            // Approved in February 2026, 18 in April: it waits for April, paid every month meanwhile.
            Assert.Equal(("adulthood-wait", "approved", "2026-04"), (approved["step"]!.GetValue<string>(),
                approved["status"]!.GetValue<string>(), approved["data"]!["adulthoodMonth"]!.GetValue<string>()));
        }
        await PayMonthAsync(host, Chongqing, "2026-02");
        foreach (var month in new[] { 3, 4 })
        {
            await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(month) });
            Assert.Equal((2, 2400m), Totals(await PayMonthAsync(host, Chongqing, $"2026-{month:00}")));
        }
        // April, the month both turn 18: the unsupported child's support ends with it; the orphan's does not.
        var reader = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var left = await reader.GetOk($"/api/cases/{unsupported["id"]}");
        Assert.Equal(("closed", "ended", "2026-04"), (left["status"]!.GetValue<string>(), left["benefit"]!["status"]!.GetValue<string>(),
            left["benefit"]!["until"]!.GetValue<string>()));
        Assert.Equal("年满 18 周岁（2026-04），退出保障", left["decision"]!["reason"]!.GetValue<string>());
        var kept = await reader.GetOk($"/api/cases/{orphan["id"]}");
        Assert.Equal(("epidemic-wait", "active"), (kept["step"]!.GetValue<string>(), kept["benefit"]!["status"]!.GetValue<string>()));

        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(5) });
        Assert.Equal((1, 1200m), Totals(await PayMonthAsync(host, Chongqing, "2026-05")));
        // Chongqing publishes the end of the epidemic, 20 May; the running case reads it at its next monthly check.
        admin = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword); // the clock has outrun the old token
        var definition = (await admin.GetOk("/api/definitions/orphan-support?region=50")).AsObject();
        definition["parameters"]!["epidemicEnds"] = "2026-05-20";
        await Api.Expect(await admin.PutAsync("/api/definitions/orphan-support/draft?region=50", definition), HttpStatusCode.OK);
        await admin.PostOk("/api/definitions/orphan-support/publish?region=50");

        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(6) });
        // June is the month after the epidemic ended: paid, and the last.
        Assert.Equal((1, 1200m), Totals(await PayMonthAsync(host, Chongqing, "2026-06")));
        reader = await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword);
        var exited = await reader.GetOk($"/api/cases/{orphan["id"]}");
        Assert.Equal(("closed", "ended", "2026-06"), (exited["status"]!.GetValue<string>(),
            exited["benefit"]!["status"]!.GetValue<string>(), exited["benefit"]!["until"]!.GetValue<string>()));
        Assert.Equal("年满 18 周岁（2026-04），疫情于 2026-05-20 结束，次月退出保障", exited["decision"]!["reason"]!.GetValue<string>());
        await host.Anonymous().PostOk("/api/test/clock", new { now = FirstOf(7) });
        await Api.ExpectProblem(await (await host.LoginAsync("50-finance-officer")).PostAsync("/api/payroll-runs",
            new { regionCode = Chongqing.County, period = "2026-07" }), HttpStatusCode.Conflict); // nobody left to pay
        Assert.Equal(["2026-02", "2026-03", "2026-04", "2026-05", "2026-06"], exited["payments"]!.AsArray()
            .Select(p => p!["period"]!.GetValue<string>()).Order());
    }

    private static (int, decimal) Totals(JsonNode run) => (run["count"]!.GetValue<int>(), run["total"]!.GetValue<decimal>());
}
