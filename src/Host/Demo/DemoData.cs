using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Applicants;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.ReserveFunds;
using Workflows.Runtime;
using Workflows.Tasks;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Host.Demo;

/// <summary>
/// The demo (README, First hour): <c>--demo</c> or <c>Demo:Enabled=true</c> fills an empty database with a sample of the
/// three provinces — regions down to villages, standards, one official per role — and applications at every stage, each
/// moved there through the engine as its officials would, so the first start shows a living system. The officials'
/// passwords are printed once, on the start that creates them. Off by default; refused on PostgreSQL (a province's
/// database) unless <c>Demo:Force=true</c>.
/// </summary>
public static class DemoData
{
    public sealed record Province(string Prefix, string Code, string Name, (string Code, string Name)[] Regions,
        string County, string Township, string Village, decimal Urban, decimal Rural, Application[] Applications);

    /// <summary>An application, and how many of its tasks the officials have done so far.</summary>
    public sealed record Application(string Procedure, string Name, int Done, JsonObject? Household, JsonObject Data);

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Demo:Enabled", false);

    /// <summary>Reads <c>--demo</c> off the command line (it is no configuration key=value pair) as Demo:Enabled=true.</summary>
    public static string[] TakeSwitch(string[] args) =>
        args.Contains("--demo") ? [.. args.Where(a => a != "--demo"), "--Demo:Enabled=true"] : args;

    /// <summary>Checked before the database is touched: a province's database never gets made-up people by a stray switch.</summary>
    public static void RefuseOnPostgres(IConfiguration configuration)
    {
        if (Enabled(configuration) && Setup.Database.Provider(configuration) == "Postgres" && !configuration.GetValue("Demo:Force", false))
            throw new InvalidOperationException("The demo fills the database with made-up people and cases: refused on PostgreSQL " +
                                                "(Database:Provider=Postgres) unless Demo:Force=true.");
    }

    public static async Task SeedAsync(IServiceProvider services, IConfiguration configuration, ILogger logger, TextWriter output)
    {
        RefuseOnPostgres(configuration);
        var openDb = services.GetRequiredService<Func<WorkflowDb>>();
        await using (var db = openDb())
            if (await db.Regions.AnyAsync() || await db.Cases.AnyAsync())
            {
                logger.LogInformation("Demo: the database already holds regions or cases; nothing added");
                return;
            }
        var clock = services.GetRequiredService<TimeProvider>();
        var password = configuration["Demo:Password"];
        var logins = new List<(string Username, string DisplayName, string Role, string Region, string Password)>();
        await using (var db = openDb())
        {
            var hasher = services.GetRequiredService<PasswordHasher<UserRecord>>();
            foreach (var province in Provinces)
            {
                foreach (var (code, name) in province.Regions)
                    db.Regions.Add(new RegionRecord { Code = code, Name = name, ParentCode = RegionCode.ParentOf(code) is { Length: > 0 } p ? p : null });
                db.Standards.Add(new StandardRecord
                {
                    RegionCode = province.County, EffectiveFrom = new DateOnly(2026, 1, 1), UrbanMonthlyFen = Money.ToFen(province.Urban),
                    RuralMonthlyFen = Money.ToFen(province.Rural), CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedBy = "demo",
                });
                foreach (var (suffix, displayName, role, region) in OfficialsOf(province))
                    logins.Add(AddUser(db, hasher, clock, $"{province.Prefix}-{suffix}", displayName, role, region, password));
            }
            logins.Add(AddUser(db, hasher, clock, "demo-admin", "系统管理员（演示）", Roles.SystemAdmin, "", password));
            await db.SaveChangesAsync();
        }
        var cases = 0;
        foreach (var province in Provinces)
            cases += await FileApplicationsAsync(services, province, logger);
        output.WriteLine("演示数据已创建 (demo data created): {0} 个案件 (cases). 演示账户 (demo logins) — 密码只显示这一次 (passwords shown once):", cases);
        foreach (var login in logins)
            output.WriteLine($"  {login.Username,-22} {login.Password,-16} {login.Role,-20} {login.Region,-12} {login.DisplayName}");
    }

    private static (string, string, string, string, string) AddUser(WorkflowDb db, PasswordHasher<UserRecord> hasher, TimeProvider clock,
        string username, string displayName, string role, string region, string? password)
    {
        var secret = password ?? RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 12);
        var user = new UserRecord
        {
            Username = username, DisplayName = displayName, RegionCode = region, Roles = role, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = hasher.HashPassword(user, secret);
        db.Users.Add(user);
        return (username, displayName, role, region, secret);
    }

    private static IEnumerable<(string Suffix, string DisplayName, string Role, string Region)> OfficialsOf(Province p) =>
    [
        ("caseworker", "村（社区）经办人", Roles.VillageCaseworker, p.Village),
        ("township", "乡镇（街道）经办人", Roles.TownshipOfficer, p.Township),
        ("township-approver", "乡镇（街道）审批人", Roles.TownshipApprover, p.Township),
        ("responder", "应急救助员", Roles.EmergencyResponder, p.Township),
        ("county", "县级民政经办人", Roles.CountyOfficer, p.County),
        ("county-approver", "县级民政审批人", Roles.CountyApprover, p.County),
        ("committee", "一事一议成员", Roles.CommitteeMember, p.County),
        ("finance", "县级财政经办人", Roles.FinanceOfficer, p.County),
        ("admin", $"{p.Name}管理员", Roles.ProvinceAdmin, p.Code),
    ];

    /// <summary>Files the province's applications and moves each on by its officials' hands, one command at a time: each
    /// stops where its <see cref="Application.Done"/> says, or earlier where a step asks for what the demo cannot know.</summary>
    private static async Task<int> FileApplicationsAsync(IServiceProvider services, Province province, ILogger logger)
    {
        var openDb = services.GetRequiredService<Func<WorkflowDb>>();
        var engineOf = services.GetRequiredService<Func<WorkflowDb, CaseEngine>>();
        var officials = OfficialsOf(province).Select(o => new Actor($"{province.Prefix}-{o.Suffix}", [o.Role], o.Region)).ToList();
        var caseworker = officials[0];
        await using (var db = openDb())
            await new ReserveFundLedger(db, services.GetRequiredService<TimeProvider>())
                .AllocateAsync(province.Township, 20_000, "拨付临时救助备用金（演示）", officials.First(o => o.Has(Roles.CountyOfficer)));
        var filed = 0;
        foreach (var (application, i) in province.Applications.Select((a, i) => (a, i)))
        {
            var applicant = new ApplicantInput(application.Name, IdNumberOf(province.County, i, application.Procedure == "orphan-support"),
                $"1390000{i:D4}", $"62220202001{i:D8}");
            var household = application.Household?.DeepClone().AsObject();
            if (household?["members"] is JsonArray members)
                for (var m = 0; m < members.Count; m++)
                    members[m]!["idNumber"] = m == 0 ? applicant.IdNumber : IdNumberOf(province.County, 100 + i * 10 + m, m > 1);
            if (household?["members"]?[0] is JsonObject self) self["name"] = application.Name;
            Guid caseId;
            await using (var db = openDb())
            {
                var engine = engineOf(db);
                // As a request would carry them: values built in code are not read back as parsed JSON is.
                var data = Parsed(application.Data);
                var command = application.Procedure == "emergency-aid"
                    ? new StartCaseCommand(application.Procedure, province.Village, applicant, null, data) { Route = StartRoutes.EmergencyAid }
                    : new StartCaseCommand(application.Procedure, province.Village, applicant, household is null ? null : Parsed(household), data);
                var starter = application.Procedure == "emergency-aid" ? officials.First(o => o.Has(Roles.EmergencyResponder)) : caseworker;
                try { caseId = (await engine.StartAsync(command, starter)).Case.Id; }
                catch (WorkflowProblem refused)
                {
                    // A province's published rules may refuse a sample written for an older version: the rest still goes in.
                    logger.LogWarning("Demo: the {Procedure} application of {Province} was refused: {Reason}", application.Procedure, province.Name, refused.Message);
                    continue;
                }
            }
            filed++;
            for (var done = 0; done < application.Done; done++)
                if (!await CompleteOneAsync(openDb, engineOf, officials, caseId)) break;
        }
        return filed;
    }

    private static JsonObject Parsed(JsonObject value) => JsonNode.Parse(value.ToJsonString())!.AsObject();

    private static readonly string[] Agreeing = ["approve", "confirm", "agree", "keep", "dismissed", "documented", "passed", "insured"];

    /// <summary>The case's first open task, done by the official who sees it with its most agreeing outcome.</summary>
    private static async Task<bool> CompleteOneAsync(Func<WorkflowDb> openDb, Func<WorkflowDb, CaseEngine> engineOf, List<Actor> officials, Guid caseId)
    {
        await using var db = openDb();
        var task = await db.Tasks.AsNoTracking().Where(t => t.CaseId == caseId && t.Status == TaskStatus.Open)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync();
        var official = task is null ? null : officials.FirstOrDefault(o => TaskAccess.CanSee(o, task));
        if (task is null || official is null) return false;
        var outcome = Agreeing.FirstOrDefault(task.OutcomeList.Contains) ?? task.OutcomeList[0];
        try
        {
            await engineOf(db).CompleteAsync(task.Id, new CompleteTaskCommand(outcome, null, "已核实（演示）"), official);
            return true;
        }
        catch (InvalidInput)
        {
            return false; // the step asks for figures only a real official has: the case waits there
        }
    }

    /// <summary>A valid ID number (GB 11643) of the county, born in the 1950s–80s (or in 2015 for a child).</summary>
    private static string IdNumberOf(string county, int n, bool child)
    {
        var born = child ? new DateOnly(2015, 1 + n % 12, 1 + n % 27) : new DateOnly(1955 + n * 7 % 30, 1 + n % 12, 1 + n % 27);
        var first17 = $"{county}{born:yyyyMMdd}{100 + n % 900:D3}";
        return first17 + IdNumber.CheckDigit(first17);
    }

    private static JsonObject Household(params (string Relation, decimal Income)[] members) => new()
    {
        ["members"] = new JsonArray([.. members.Select((m, i) => (JsonNode)new JsonObject
        {
            ["name"] = DemoNames.Member(i, m.Relation), ["relation"] = m.Relation, ["monthlyIncome"] = m.Income,
        })]),
        ["assets"] = new JsonObject { ["cash"] = 0, ["deposits"] = 2000, ["securities"] = 0, ["claims"] = 0 },
    };

    private static JsonObject MigrantWorker(string employer, int months, decimal? requested, params (string, JsonNode?)[] more)
    {
        var data = new JsonObject
        {
            ["employer"] = new JsonObject { ["name"] = employer, ["address"] = "开发区创业路 8 号", ["position"] = "装配工" },
            ["witnesses"] = new JsonArray(new JsonObject { ["name"] = "刘建国", ["phone"] = "13912345601" },
                                          new JsonObject { ["name"] = "陈秀兰", ["phone"] = "13912345602" }),
            ["monthsWithoutIncome"] = months, ["unemploymentInsured"] = false,
        };
        if (requested is { } amount) data["requestedAmount"] = amount;
        foreach (var (key, value) in more) data[key] = value;
        return data;
    }

    private static JsonObject Data(params (string, JsonNode?)[] values) => new(values.Select(v => KeyValuePair.Create(v.Item1, v.Item2)));

    public static readonly Province[] Provinces =
    [
        new("jl", "22", "吉林省",
            [("22", "吉林省"), ("2201", "长春市"), ("220102", "南关区"), ("220102001", "永吉街道"), ("220102001001", "东风社区"),
             ("220102001002", "西岭社区"), ("220102002", "桃源街道"), ("220102002001", "桃源社区")],
            "220102", "220102001", "220102001001", 760, 530,
            [
                new("dibao", "王桂芳", 0, Household(("self", 600), ("spouse", 300)), Data(("residence", "urban"), ("povertyStatus", "none"))),
                new("dibao", "李德明", 1, Household(("self", 0), ("child", 500), ("child", 0)), Data(("residence", "urban"), ("povertyStatus", "none"))),
                new("dibao", "张淑华", 3, Household(("self", 200)), Data(("residence", "rural"), ("povertyStatus", "none"))),
                new("dibao", "赵永刚", 9, Household(("self", 400), ("spouse", 0)), Data(("residence", "urban"), ("povertyStatus", "none"))),
                new("temporary-aid", "孙丽娟", 0, null, Data(("aidType", "expenditure"), ("requestedAmount", 2000), ("residence", "urban"))),
                new("temporary-aid", "周海波", 9, null, Data(("aidType", "emergency"), ("requestedAmount", 1500), ("residence", "urban"))),
                new("migrant-worker-aid", "吴建军", 0, null, MigrantWorker("长春汽车配件厂", 4, 1000)),
                new("migrant-worker-aid", "郑春梅", 1, null, MigrantWorker("南关区服装厂", 3, 800)),
                new("tekun", "冯大爷", 1, null, Data(("age", 78), ("noSupporter", true), ("noIncome", true), ("noWorkCapacity", true),
                    ("careMode", "dispersed"), ("residence", "rural"))),
                new("emergency-aid", "陈小龙", 0, null, Data(("amount", 800), ("reason", "房屋失火，生活无着"))),
            ]),
        new("nx", "64", "宁夏回族自治区",
            [("64", "宁夏回族自治区"), ("6401", "银川市"), ("640104", "兴庆区"), ("640104001", "凤凰北街街道"), ("640104001001", "丽景社区"),
             ("640104002", "掌政镇"), ("640104002001", "强家庙村")],
            "640104", "640104001", "640104001001", 820, 560,
            [
                new("dibao", "马玉兰", 0, Household(("self", 300), ("child", 0)), Data(("residence", "urban"))),
                new("dibao", "杨志强", 2, Household(("self", 500), ("spouse", 200)), Data(("residence", "urban"))),
                new("dibao", "丁秀英", 9, Household(("self", 100)), Data(("residence", "rural"))),
                new("temporary-aid", "海文军", 1, null, Data(("aidType", "emergency"), ("requestedAmount", 1600), ("residence", "urban"))),
                new("migrant-worker-aid", "拜永福", 0, null, MigrantWorker("银川纺织有限公司", 4, 900, ("affectedOn", "2020-03-15"))),
            ]),
        new("cq", "50", "重庆市",
            [("50", "重庆市"), ("5001", "重庆市市辖区"), ("500103", "渝中区"), ("500103001", "七星岗街道"), ("500103001001", "金汤街社区"),
             ("500103002", "解放碑街道"), ("500103002001", "民生路社区")],
            "500103", "500103001", "500103001001", 760, 620,
            [
                new("dibao", "刘光明", 0, Household(("self", 400), ("spouse", 300), ("child", 0)), Data(("residence", "urban"))),
                new("dibao", "黄素珍", 2, Household(("self", 200)), Data(("residence", "urban"))),
                new("dibao", "何建华", 9, Household(("self", 0), ("parent", 300)), Data(("residence", "urban"))),
                new("orphan-support", "罗小雨", 1, null, Data(("childType", "orphan"), ("documents", true), ("commitment", true))),
                new("migrant-worker-aid", "唐德勇", 1, null, MigrantWorker("渝中区火锅店", 3, null, ("inDibao", false), ("habitualResidence", true))),
            ]),
    ];
}

/// <summary>Made-up names for the demo's household members.</summary>
internal static class DemoNames
{
    private static readonly Dictionary<string, string[]> ByRelation = new()
    {
        ["self"] = ["申请人"], ["spouse"] = ["刘秀云", "陈国强"], ["child"] = ["王小明", "王小红", "李思远"], ["parent"] = ["何老太"],
    };

    public static string Member(int index, string relation) =>
        ByRelation.TryGetValue(relation, out var names) ? names[index % names.Length] : $"成员{index + 1}";
}
