using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Benefits;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;

namespace Workflows.Reports;

/// <summary>One county's line of the form; funds in 万元 with 2 decimals.</summary>
public sealed record StatisticsRow(string RegionCode, string Name, int NewDibaoPeople, int NewDibaoSinglePersonSevere,
    int NewDibaoUnemployed, int EpidemicTemporaryAidCases, decimal EpidemicTemporaryAidFunds, int MigrantWorkerAidPeople,
    decimal MigrantWorkerAidFunds, decimal LocalFundsAdded);

public sealed record MonthlyStatisticsReport(string RegionCode, string Period, IReadOnlyList<StatisticsRow> Rows, StatisticsRow Totals);

/// <summary>
/// 困难群众基本生活保障有关工作开展情况统计表 (NX 003 §六(四) and its attachment), one line per county under the region:
/// people newly covered by 低保 in the month (benefits starting that month, by the persons each keeps), of whom those
/// covered alone as a 单人户 and those the application marks <c>data.unemployedOrReturnee</c> (城镇失业和返乡人员,
/// migrant workers included, with their families); temporary aid paid in the month (one-off payments of temporary aid,
/// 先行救助, 一事一议 and migrant-worker aid, not cancelled or failed: 人次 and 万元), of which the one-off aid to uninsured
/// unemployed people (people and 万元); and the county's own money added (its allocations to townships' reserve funds).
/// </summary>
public static class MonthlyStatistics
{
    public static readonly string[] TemporaryAid = ["temporary-aid", "emergency-aid", "case-by-case", "migrant-worker-aid"];
    private static readonly string[] Spent = [PaymentStatus.Pending, PaymentStatus.Sent, PaymentStatus.Paid];

    public static async Task<MonthlyStatisticsReport> ComputeAsync(WorkflowDb db, ReportScope scope, CancellationToken ct)
    {
        var period = scope.Period!;
        var (from, until) = scope.MonthUtc();
        var region = scope.RegionCode;
        var counties = scope.Names.Keys.Where(c => c.Length == 6 && (c.StartsWith(region) || region.StartsWith(c))).Order().ToList();

        var started = await db.Benefits.AsNoTracking()
            .Where(b => b.Procedure == "dibao" && b.FromPeriod == period && b.RegionCode.StartsWith(region))
            .Select(b => new { b.Id, b.RegionCode, b.BasisJson, Persons = db.BenefitPersons.Count(p => p.BenefitId == b.Id) })
            .ToListAsync(ct);
        var aid = await db.Payments.AsNoTracking()
            .Where(p => TemporaryAid.Contains(p.Procedure) && p.Period == null && Spent.Contains(p.Status)
                        && p.RegionCode.StartsWith(region) && p.CreatedAt >= from && p.CreatedAt < until)
            .Select(p => new { p.RegionCode, p.Procedure, p.CaseId, p.AmountFen }).ToListAsync(ct);
        var townshipFunds = await db.ReserveFundEntries.AsNoTracking()
            .Where(e => e.Kind == "allocation" && e.TownshipCode.StartsWith(region) && e.At >= from && e.At < until)
            .Select(e => new { e.TownshipCode, e.AmountFen }).ToListAsync(ct);

        var rows = counties.Select(county =>
        {
            var dibao = started.Where(b => b.RegionCode.StartsWith(county)).Select(b => (b.Persons, Basis: JsonNode.Parse(b.BasisJson))).ToList();
            var paid = aid.Where(p => p.RegionCode.StartsWith(county)).ToList();
            var migrant = paid.Where(p => p.Procedure == "migrant-worker-aid").ToList();
            return new StatisticsRow(county, scope.NameOf(county),
                dibao.Sum(b => b.Persons),
                dibao.Count(b => IsSinglePerson(b.Basis)),
                dibao.Where(b => Flag(b.Basis, "unemployedOrReturnee")).Sum(b => b.Persons),
                paid.Count, TenThousands(paid.Sum(p => p.AmountFen)),
                migrant.Select(p => p.CaseId).Distinct().Count(), TenThousands(migrant.Sum(p => p.AmountFen)),
                TenThousands(townshipFunds.Where(e => e.TownshipCode.StartsWith(county)).Sum(e => e.AmountFen)));
        }).ToList();
        var totals = new StatisticsRow(region, "合计", rows.Sum(r => r.NewDibaoPeople), rows.Sum(r => r.NewDibaoSinglePersonSevere),
            rows.Sum(r => r.NewDibaoUnemployed), rows.Sum(r => r.EpidemicTemporaryAidCases),
            TenThousands(aid.Where(p => counties.Any(c => p.RegionCode.StartsWith(c))).Sum(p => p.AmountFen)),
            rows.Sum(r => r.MigrantWorkerAidPeople),
            TenThousands(aid.Where(p => p.Procedure == "migrant-worker-aid" && counties.Any(c => p.RegionCode.StartsWith(c))).Sum(p => p.AmountFen)),
            TenThousands(townshipFunds.Where(e => counties.Any(c => e.TownshipCode.StartsWith(c))).Sum(e => e.AmountFen)));
        return new MonthlyStatisticsReport(region, period, rows, totals);
    }

    /// <summary>Fen as 万元, 2 decimals: the totals are rounded from the fen, not summed from rounded lines.</summary>
    private static decimal TenThousands(long fen) => Math.Round(fen / 1_000_000m, 2, MidpointRounding.AwayFromZero);

    /// <summary>Covered alone as a 单人户 (the grant's basis: the application asked it, and the rule covered one person).</summary>
    private static bool IsSinglePerson(JsonNode? basis) =>
        Flag(basis, "singlePerson") && basis?["data"]?["assessment"]?["members"] is JsonValue m && m.TryGetValue<int>(out var n) && n == 1;

    private static bool Flag(JsonNode? basis, string name) =>
        basis?["data"]?[name] is JsonValue v && v.TryGetValue<bool>(out var set) && set;

    public static readonly string[][] Header =
    [
        ["县（区）", "新增低保对象", "其中：低收入家庭重病重残人员对照“单人户”纳入低保", "其中：城镇失业和返乡人员（含农民工）及其家庭成员纳入低保",
            "因疫情开展临时救助", "", "其中：向未参保失业人员发放一次性临时救助金", "", "市（县、区）本级追加困难群众救助资金", "备注"],
        ["", "人数", "人数", "人数", "人次", "支出资金（万元）", "人数", "支出资金（万元）", "万元", ""],
    ];

    public static ReportFile Write(MonthlyStatisticsReport report, ReportScope scope, string format)
    {
        static object?[] Line(StatisticsRow r) =>
        [
            r.Name, r.NewDibaoPeople, r.NewDibaoSinglePersonSevere, r.NewDibaoUnemployed, r.EpidemicTemporaryAidCases,
            r.EpidemicTemporaryAidFunds, r.MigrantWorkerAidPeople, r.MigrantWorkerAidFunds, r.LocalFundsAdded, "",
        ];
        var month = Period.FirstDay(report.Period);
        return ReportFile.Write(format, $"困难群众基本生活保障统计表-{report.RegionCode}-{report.Period}",
            ["困难群众基本生活保障有关工作开展情况统计表", $"（{month.Year}年{month.Month}月）", $"填表单位：{scope.NameOf(report.RegionCode)}"],
            Header, [.. report.Rows.Select(Line), Line(report.Totals)], "统计表");
    }
}
