using Microsoft.EntityFrameworkCore;
using Workflows.Applicants;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;

namespace Workflows.Reports;

/// <summary>
/// 发放台账 of a month: every payment of the region for that period — a benefit's month, or a one-off payment made in it —
/// with whom, how much, by which programme and run, and what became of it, as an auditor follows the money's "direction,
/// speed and volume" (004 §一(三)). Streamed from the database into the file.
/// </summary>
public static class PaymentLedger
{
    public static readonly string[] Columns =
        ["序号", "付款编号", "乡镇（街道）", "村（社区）", "姓名", "身份证号", "项目", "期间", "金额（元）", "状态", "发放批次", "结果时间", "失败原因"];

    private static readonly Dictionary<string, string> Statuses = new()
    {
        [PaymentStatus.Pending] = "待发送", [PaymentStatus.Sent] = "已送银行", [PaymentStatus.Paid] = "已到账",
        [PaymentStatus.Failed] = "发放失败", [PaymentStatus.Cancelled] = "已取消",
    };

    public static ReportFile Write(WorkflowDb db, ReportScope scope, string format, bool fullIdNumbers)
    {
        var (from, until) = scope.MonthUtc();
        var period = scope.Period!;
        var payments = db.Payments.AsNoTracking()
            .Where(p => p.RegionCode.StartsWith(scope.RegionCode)
                        && (p.Period == period || (p.Period == null && p.CreatedAt >= from && p.CreatedAt < until)))
            .OrderBy(p => p.RegionCode).ThenBy(p => p.Id);
        var number = 0;
        IEnumerable<object?[]> Rows()
        {
            foreach (var p in payments.AsEnumerable())
                yield return
                [
                    ++number, p.Id.ToString(), scope.NameOf(RegionCode.AtLevel(p.RegionCode, RegionLevel.Township)),
                    p.RegionCode.Length >= 12 ? scope.NameOf(p.RegionCode) : "", p.PayeeName,
                    fullIdNumbers ? p.PayeeIdNumber : IdNumber.Mask(p.PayeeIdNumber), ProgrammeNames.Of(p.Procedure),
                    p.Period ?? period, Money.ToYuan(p.AmountFen), Statuses.GetValueOrDefault(p.Status, p.Status),
                    p.RunId?.ToString() ?? "", p.ResultAt?.ToString("yyyy-MM-dd HH:mm") ?? "", p.FailureReason ?? "",
                ];
        }
        return ReportFile.Write(format, $"发放台账-{scope.RegionCode}-{period}",
            [$"{scope.NameOf(scope.RegionCode)} 社会救助资金发放台账", $"期间：{period}    金额单位：元"], [Columns], Rows(), "发放台账");
    }
}

/// <summary>The programmes as forms and ledgers name them.</summary>
public static class ProgrammeNames
{
    private static readonly Dictionary<string, string> Names = new()
    {
        ["dibao"] = "最低生活保障", ["tekun"] = "特困人员救助供养", ["temporary-aid"] = "临时救助", ["emergency-aid"] = "临时救助（先行救助）",
        ["migrant-worker-aid"] = "未参保失业人员临时救助", ["orphan-support"] = "孤儿、事实无人抚养儿童基本生活保障",
        ["epidemic-patient-aid"] = "确诊患者救助", ["case-by-case"] = "一事一议", ["price-subsidy"] = "价格临时补贴",
    };

    public static string Of(string procedure) => Names.GetValueOrDefault(procedure, procedure);
}
