using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Applicants;
using Workflows.Benefits;
using Workflows.Cases;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.Reports;

/// <summary>
/// 社会救助兜底脱贫调查摸排台账 (Huilong 002, attachments 1–3): every household of one registered-poor population screened
/// through an application — 1 未脱贫建档立卡贫困人口 (<c>data.povertyStatus</c> <c>unlifted</c>), 2 边缘户 (<c>edge</c>), 3
/// 脱贫监测户 (<c>monitored</c>) — a line per member, the seed's columns in its order. 目前享受救助类型 is what the
/// household receives now (a running 低保 or 特困 benefit, temporary aid approved, else 无); 通过排查拟纳入救助 is 是 while
/// the application stands and 否 once refused, with the reason as 未纳入原因.
/// </summary>
public static class ScreeningLedger
{
    public static readonly string[] Columns =
        ["序号", "乡镇", "所属村组", "姓名", "身份证号码", "家庭人数", "与户主关系", "健康状况", "致贫原因", "家庭人均月纯收入（元）",
            "目前享受救助类型", "联系电话", "通过排查拟纳入救助", "未纳入原因"];

    public static readonly Dictionary<string, string> Populations = new()
    {
        ["unlifted"] = "未脱贫建档立卡贫困人口", ["edge"] = "边缘户", ["monitored"] = "脱贫监测户",
    };

    private static readonly Dictionary<string, string> Relations = new()
    {
        ["self"] = "户主", ["spouse"] = "配偶", ["child"] = "子女", ["parent"] = "父母", ["grandchild"] = "孙子女",
        ["grandparent"] = "祖父母", ["sibling"] = "兄弟姐妹",
    };

    public static string CheckedPopulation(string? population) => population is null ? "unlifted"
        : Populations.ContainsKey(population) ? population
        : throw new InvalidInput("population", $"应为 {string.Join(", ", Populations.Keys)} 之一（附件 1–3）(one of the ledgers' populations)");

    public static ReportFile Write(WorkflowDb db, ReportScope scope, string population, string format, bool fullIdNumbers)
    {
        // Each case with the benefit it runs, if any, in one stream (a second query while the first is read is refused).
        var cases =
            from c in db.Cases.AsNoTracking()
            where c.RegionCode.StartsWith(scope.RegionCode)
            join b in db.Benefits.AsNoTracking() on c.Id equals b.CaseId into benefits
            from b in benefits.DefaultIfEmpty()
            orderby c.RegionCode, c.Id
            select new { Case = c, Running = b != null && b.Status != BenefitStatus.Ended ? b.Procedure : null };
        var household = 0;
        IEnumerable<object?[]> Rows()
        {
            foreach (var (record, running) in cases.AsEnumerable().Select(x => (x.Case, x.Running)))
            {
                var root = JsonNode.Parse(record.DataJson)!.AsObject();
                if (root["data"]?["povertyStatus"] is not JsonValue status || status.GetValue<string>() != population) continue;
                household++;
                var members = (root["household"]?["members"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
                if (members.Count == 0)
                    members = [new JsonObject { ["name"] = record.ApplicantName, ["idNumber"] = record.ApplicantIdNumber, ["relation"] = "self" }];
                var receiving = Receiving(record, running);
                var refused = record.Status == CaseStatus.Rejected;
                var perCapita = root["data"]?["assessment"]?["perCapitaIncome"] is JsonValue income ? income.GetValue<decimal>() : (decimal?)null;
                foreach (var member in members)
                {
                    var id = Text(member, "idNumber");
                    var self = Text(member, "relation") == "self";
                    yield return
                    [
                        household, scope.NameOf(RegionCode.AtLevel(record.RegionCode, RegionLevel.Township)),
                        record.RegionCode.Length >= 12 ? scope.NameOf(record.RegionCode) : "", Text(member, "name"),
                        fullIdNumbers ? id : IdNumber.Mask(id), members.Count,
                        Relations.GetValueOrDefault(Text(member, "relation"), Text(member, "relation")), Health(member),
                        Text(root["data"] as JsonObject, "povertyCause"), perCapita, receiving,
                        self ? Text(root["applicant"] as JsonObject, "phone") : "", refused ? "否" : "是", refused ? record.Reason ?? "" : "",
                    ];
                }
            }
        }
        return ReportFile.Write(format, $"摸排台账-{Populations[population]}-{scope.RegionCode}",
            [$"“{Populations[population]}”社会救助兜底脱贫调查摸排台账", $"填报单位：{scope.NameOf(scope.RegionCode)}"],
            [Columns], Rows(), Populations[population]);
    }

    private static string Receiving(CaseRecord record, string? running) => running switch
    {
        "dibao" => "低保",
        "tekun" => "特困",
        _ when record.Procedure is "temporary-aid" or "emergency-aid" && record.Approved == true => "临时救助",
        _ => "无",
    };

    private static string Health(JsonObject member)
    {
        var grade = member["disabilityGrade"] is JsonValue g && g.TryGetValue<int>(out var n) ? $"{n} 级残疾" : null;
        var ill = member["seriousIllness"] is JsonValue s && s.TryGetValue<bool>(out var b) && b ? "重病" : null;
        return string.Join("、", new[] { ill, grade }.Where(x => x is not null)) is { Length: > 0 } health ? health : "健康";
    }

    private static string Text(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
