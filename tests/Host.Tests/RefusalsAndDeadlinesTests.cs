using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;
using Workflows.Testing;
using static Workflows.Host.Tests.DibaoScenarioTests;

namespace Workflows.Host.Tests;

/// <summary>
/// For every procedure of every province that has its own: the first official refuses (in writing, nothing paid), and
/// the first task left past its deadline is reminded or escalated as that province's definition says. Every case
/// starts on Friday 13 February 2026; the due days are counted by hand on the 2026 calendar (14 February and 28
/// February are make-up workdays; 15–23 February is the Spring Festival).
/// </summary>
public sealed class RefusalsAndDeadlinesTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    /// <param name="Due">The last working day of the deadline.</param>
    /// <param name="EscalateTo">The role the task goes up to, or null when the definition only reminds.</param>
    internal sealed record Row(Province Province, Func<object> Application, string Step, string Role, string Refuse,
        DateOnly Due, string? EscalateTo);

    private static readonly DateOnly Day2 = new(2026, 2, 24);  // 14, 24
    private static readonly DateOnly Day3 = new(2026, 2, 25);  // 14, 24, 25
    private static readonly DateOnly Day5 = new(2026, 2, 27);  // 14, 24, 25, 26, 27
    private static readonly DateOnly Day10 = new(2026, 3, 5);  // … 27, 28, 2 March, 3, 4, 5

    private static readonly Dictionary<string, Row> Rows = new()
    {
        // dibao: the home visit is reminded after 5 working days in all three (000 §三; 003 §五; 004 §五(二)).
        ["dibao 22"] = new(Jilin, () => Application(Jilin), "home-visit", "village-caseworker", "refuse", Day5, null),
        ["dibao 64"] = new(Ningxia, () => Application(Ningxia), "home-visit", "village-caseworker", "refuse", Day5, null),
        ["dibao 50"] = new(Chongqing, () => Application(Chongqing), "home-visit", "village-caseworker", "refuse", Day5, null),
        // migrant-worker aid: the village check goes up to the township — in 3 working days in Jilin (004 §二(二)).
        ["migrant-worker-aid 22"] = new(Jilin, () => Seed.MigrantWorkerApplication(region: Jilin.Village), "village-check", "village-caseworker", "refuse", Day3, "township-officer"),
        ["migrant-worker-aid 64"] = new(Ningxia, () => MigrantWorkerAidNingxiaTests.Application("2020-05-10"), "village-check", "village-caseworker", "refuse", Day5, "township-officer"),
        ["migrant-worker-aid 50"] = new(Chongqing, () => MigrantWorkerAidChongqingTests.Application(IdNumbers.Next()), "village-check", "village-caseworker", "refuse", Day5, "township-officer"),
        // temporary aid: Jilin's township approves within its authority (004 §四(一)); Ningxia's township approves (003 §二(二)).
        ["temporary-aid 22"] = new(Jilin, () => TemporaryAidScenarioTests.Application(Jilin, "emergency", 800), "township-approval", "township-approver", "reject", Day5, null),
        ["temporary-aid 64"] = new(Ningxia, () => TemporaryAidScenarioTests.Application(Ningxia, "emergency", 1), "township-review", "township-approver", "reject", Day5, null),
        ["tekun 22"] = new(Jilin, () => TekunScenarioTests.Application(17), "township-review", "township-officer", "reject", Day10, null),
        // orphan support: Chongqing's township reviews in 2 working days (001 §一(四)).
        ["orphan-support 50"] = new(Chongqing, () => OrphanSupportTests.Application(documents: false, commitment: true), "township-review", "township-officer", "reject", Day2, null),
        ["epidemic-patient-aid 50"] = new(Chongqing, () => EpidemicPatientAidTests.Application("dibao", "2026-03-03"), "township-review", "township-officer", "reject", Day3, "county-officer"),
    };

    public static TheoryData<string> Procedures => new(Rows.Keys);

    private async Task<(ServiceHost Host, Api Admin, JsonNode Case, Row Row)> StartCaseAsync(string name)
    {
        var row = Rows[name];
        var (host, admin, _) = await StartSeededAsync();
        await SetUpAsync(admin, row.Province);
        var caseworker = await host.LoginAsync($"{row.Province.Code}-village-caseworker");
        var created = await caseworker.PostOk("/api/cases", row.Application(), HttpStatusCode.Created);
        Assert.Equal(row.Province.Code, created["definition"]!["regionCode"]!.GetValue<string>());
        Assert.Equal(row.Step, created["step"]!.GetValue<string>());
        return (host, admin, created, row);
    }

    private static async Task<JsonNode> TaskOfAsync(ServiceHost host, Province p, string role, JsonNode @case) =>
        (await (await host.LoginAsync($"{p.Code}-{role}")).GetOk("/api/tasks"))["items"]!.AsArray()
            .Single(t => t!["caseId"]!.GetValue<string>() == @case["id"]!.GetValue<string>())!;

    private static DateTimeOffset Beijing(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(8));

    [Theory]
    [MemberData(nameof(Procedures))]
    public async Task The_first_official_refuses_in_writing_and_nothing_is_paid(string procedure)
    {
        var (host, admin, created, row) = await StartCaseAsync(procedure);
        var official = await host.LoginAsync($"{row.Province.Code}-{row.Role}");
        var task = await TaskOfAsync(host, row.Province, row.Role, created);
        // The notices require the reason in writing (书面告知理由).
        await Api.ExpectProblem(await official.PostAsync($"/api/tasks/{task["id"]}/complete", new { outcome = row.Refuse }),
            HttpStatusCode.UnprocessableEntity, "comment");
        await official.PostOk($"/api/tasks/{task["id"]}/complete", new { outcome = row.Refuse, comment = "经入户核实，申请材料与实际情况不符" });

        var refused = await admin.GetOk($"/api/cases/{created["id"]}");
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Equal("经入户核实，申请材料与实际情况不符", refused["decision"]!["reason"]!.GetValue<string>());
        Assert.Empty(refused["payments"]!.AsArray());
        Assert.Empty(refused["openTasks"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Procedures))]
    public async Task The_first_task_past_its_deadline_is_reminded_or_escalated_as_the_province_says(string procedure)
    {
        var (host, admin, created, row) = await StartCaseAsync(procedure);

        // Still in time at the end of the last working day's office hours.
        await admin.PostOk("/api/test/clock", new { now = Beijing(row.Due, 18) });
        var onTime = await TaskOfAsync(host, row.Province, row.Role, created);
        Assert.False(onTime["overdue"]!.GetValue<bool>());
        Assert.Equal(0, onTime["workingDaysLeft"]!.GetValue<int>());

        await admin.PostOk("/api/test/clock", new { now = Beijing(row.Due.AddDays(1), 9) });
        var history = (await (await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword)).GetOk($"/api/cases/{created["id"]}"))["history"]!.AsArray();
        var late = await TaskOfAsync(host, row.Province, row.EscalateTo ?? row.Role, created);
        // Reminded, it stays overdue; escalated, the level above gets as many working days again, from now.
        Assert.Equal(row.EscalateTo is null, late["overdue"]!.GetValue<bool>());
        Assert.Equal(row.EscalateTo is not null, late["escalated"]!.GetValue<bool>());
        Assert.Single(history, h => h!["action"]!.GetValue<string>() == (row.EscalateTo is null ? "reminded" : "escalated"));
    }

    [Fact]
    public async Task A_deadline_that_fires_late_is_measured_by_how_late()
    {
        var (host, admin, _, row) = await StartCaseAsync("migrant-worker-aid 22");
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        var lateness = new List<(double Seconds, object? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "workflows.timers.lateness") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            lateness.Add((seconds, tags.ToArray().Single(t => t.Key == "kind").Value)));
        listener.Start();

        // Due at the end of the last working day; nothing ran the timers until 9 o'clock the next morning.
        await admin.PostOk("/api/test/clock", new { now = Beijing(row.Due.AddDays(1), 9) });

        Assert.Equal([(9 * 3600.0, (object?)"deadline")], lateness);
    }
}
