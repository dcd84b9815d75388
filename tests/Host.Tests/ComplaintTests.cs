using System.Net;
using Workflows.Host.Tests.Support;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>信访 (API.md; 004 §五(五) "专人负责、限时办结、及时回复"): a named owner by rule, a limit in working days
/// (Complaints:WorkingDays, 15), a reply by the owner only, the county once the limit has passed.</summary>
public sealed class ComplaintTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    [Fact]
    public async Task A_complaint_about_a_case_goes_to_whoever_works_the_case_and_is_answered_in_time()
    {
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, Jilin);
        var caseworker = await host.LoginAsync("22-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", Application(Jilin), HttpStatusCode.Created);
        var visit = (await caseworker.GetOk("/api/tasks"))["items"]!.AsArray().Single(t => t!["caseId"]!.GetValue<string>() == created["id"]!.GetValue<string>())!;
        await caseworker.PostOk($"/api/tasks/{visit["id"]}/claim");

        var hotline = await host.LoginAsync("22-county-officer");
        var complaint = new
        {
            regionCode = Jilin.Village, subject = "入户调查迟迟未来", content = "申请已一个月，村里还没人上门", caseId = created["id"],
            complainant = new { name = "张三丰", phone = "13900002222" },
        };
        var taken = await hotline.PostOk("/api/complaints", complaint, HttpStatusCode.Created);
        // The case's current owner: the caseworker who claimed its open task. 15 working days from Friday 13 February
        // 2026 (Seed's clock): Saturdays 14 and 28 February (make-up workdays), 24–27 February (after the Spring Festival
        // holiday), 2–6 and 9–12 March: due by the end of Thursday 12 March.
        Assert.Equal(("22-village-caseworker", "open"), (taken["owner"]!.GetValue<string>(), taken["status"]!.GetValue<string>()));
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.FromHours(8)), taken["dueAt"]!.GetValue<DateTimeOffset>());

        // Bad input and the wrong people: nothing is written.
        await Api.ExpectProblem(await hotline.PostAsync("/api/complaints", new { regionCode = Jilin.Village, content = "x", complainant = new { name = "李" } }),
            HttpStatusCode.UnprocessableEntity, "subject");
        await Api.ExpectProblem(await hotline.PostAsync("/api/complaints", new { regionCode = Jilin.Village, subject = "s", content = "c",
            complainant = new { name = "李" }, caseId = Guid.NewGuid() }), HttpStatusCode.UnprocessableEntity, "caseId");
        await SetUpAsync(admin, Ningxia);
        await Api.ExpectProblem(await (await host.LoginAsync("64-county-officer")).PostAsync("/api/complaints", complaint), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await hotline.PostAsync($"/api/complaints/{taken["id"]}/reply", new { reply = "已处理" }), HttpStatusCode.Forbidden);
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/complaints/{taken["id"]}/reply", new { reply = "" }),
            HttpStatusCode.UnprocessableEntity, "reply");

        var inbox = (await caseworker.GetOk("/api/complaints"))["items"]!.AsArray();
        Assert.Equal("13900002222", inbox.Single()!["complainant"]!["phone"]!.GetValue<string>()); // the owner calls back
        var onCase = (await caseworker.GetOk($"/api/cases/{created["id"]}"))["complaints"]!.AsArray().Single()!;
        Assert.Equal(("入户调查迟迟未来", "open"), (onCase["subject"]!.GetValue<string>(), onCase["status"]!.GetValue<string>()));

        var replied = await caseworker.PostOk($"/api/complaints/{taken["id"]}/reply", new { reply = "已电话联系，定于下周二入户" });
        Assert.Equal(("replied", "22-village-caseworker", false), (replied["status"]!.GetValue<string>(), replied["repliedBy"]!.GetValue<string>(),
            replied["overdue"]!.GetValue<bool>()));
        await Api.ExpectProblem(await caseworker.PostAsync($"/api/complaints/{taken["id"]}/reply", new { reply = "再答" }), HttpStatusCode.Conflict);
        Assert.Empty((await caseworker.GetOk("/api/complaints"))["items"]!.AsArray());
        // Answered in time: the limit passing later sends nothing to the county.
        await admin.PostOk("/api/test/clock", new { now = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8)) });
        Assert.Empty((await (await host.LoginAsync(Seed.CountyOfficer)).GetOk("/api/complaints"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_complaint_left_past_its_limit_goes_to_the_county_which_answers_it()
    {
        var (host, admin, _) = await StartSeededAsync();
        var hotline = await host.LoginAsync(Seed.CountyOfficer);
        var taken = await hotline.PostOk("/api/complaints", new
        {
            regionCode = Seed.Village, subject = "低保金未按时到账", content = "三月份的低保金到现在没有收到", complainant = new { name = "王五" },
        }, HttpStatusCode.Created);
        // No case: the township officer of the region owns it.
        Assert.Equal(Seed.TownshipOfficer, taken["owner"]!.GetValue<string>());
        var due = taken["dueAt"]!.GetValue<DateTimeOffset>();

        await admin.PostOk("/api/test/clock", new { now = due.AddMinutes(1) });
        var county = await host.LoginAsync(Seed.CountyOfficer);
        var escalated = (await county.GetOk("/api/complaints"))["items"]!.AsArray().Single()!;
        Assert.Equal((true, Seed.TownshipOfficer, Seed.CountyOfficer), (escalated["escalated"]!.GetValue<bool>(),
            escalated["escalatedFrom"]!.GetValue<string>(), escalated["owner"]!.GetValue<string>()));
        Assert.True(escalated["dueAt"]!.GetValue<DateTimeOffset>() > due.AddDays(14)); // as many working days again
        var township = await host.LoginAsync(Seed.TownshipOfficer);
        Assert.Empty((await township.GetOk("/api/complaints"))["items"]!.AsArray());
        await Api.ExpectProblem(await township.PostAsync($"/api/complaints/{taken["id"]}/reply", new { reply = "已处理" }), HttpStatusCode.Forbidden);
        // The township still sees it among its region's complaints, now with the county.
        Assert.Single((await township.GetOk("/api/complaints?scope=region"))["items"]!.AsArray());

        var replied = await county.PostOk($"/api/complaints/{taken["id"]}/reply", new { reply = "已督促乡镇补发，本周内到账" });
        Assert.Equal("replied", replied["status"]!.GetValue<string>());
        await Api.ExpectProblem(await county.GetAsync("/api/complaints?status=lost"), HttpStatusCode.UnprocessableEntity, "status");
    }
}
