using System.Globalization;
using System.Text.Json.Nodes;

namespace Workflows.Policies;

/// <summary>What a rule is given: the household, the region's standard on the date that matters, the case data and
/// the definition's parameters (the province's numbers).</summary>
public sealed record PolicyInput(Household Household, Standard Standard, JsonObject Data, JsonObject Parameters)
{
    public decimal Parameter(string name, decimal fallback) =>
        Parameters[name] is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : fallback;

    /// <summary>The monthly MLG standard that applies: urban or rural by <c>data.residence</c> (default rural).</summary>
    public decimal ResidenceStandard => Data["residence"]?.GetValue<string>() == "urban" ? Standard.UrbanMonthly : Standard.RuralMonthly;
}

public sealed record Standard(decimal UrbanMonthly, decimal RuralMonthly, string EffectiveFrom, string RegionCode);

/// <summary>A rule's answer: named values for the case data, and the arithmetic that produced them, line by line.</summary>
public sealed class PolicyResult
{
    public JsonObject Values { get; } = new();
    public List<string> Arithmetic { get; } = new();

    public PolicyResult Set(string name, JsonNode? value) { Values[name] = value; return this; }
    public PolicyResult Line(string line) { Arithmetic.Add(line); return this; }

    public JsonObject ToJson()
    {
        var json = (JsonObject)Values.DeepClone();
        json["arithmetic"] = new JsonArray(Arithmetic.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray());
        return json;
    }

    internal static string Yuan(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// The policy rules of the seed notices as code that definitions call by name (step kind <c>action</c>,
/// <c>action: "apply-rule"</c>, <c>rule: "…"</c>). Each reads its numbers from the definition's parameters,
/// so a province changes them by publishing, and explains its arithmetic.
/// </summary>
public static class PolicyRules
{
    private static readonly Dictionary<string, Func<PolicyInput, PolicyResult>> Rules = new()
    {
        ["per-capita-income"] = PerCapitaIncome,
        ["dibao-subsidy"] = DibaoSubsidy,
        ["registered-poor-cover"] = RegisteredPoorCover,
        ["low-income"] = LowIncome,
        ["single-person"] = SinglePerson,
        ["temporary-aid-amount"] = TemporaryAidAmount,
        ["approval-authority"] = ApprovalAuthority,
        ["epidemic-patient"] = EpidemicPatient,
    };

    public static IReadOnlyCollection<string> Names => Rules.Keys;

    public static PolicyResult Apply(string rule, PolicyInput input) =>
        Rules.TryGetValue(rule, out var apply) ? apply(input) : throw new ArgumentException($"Unknown policy rule '{rule}'");

    /// <summary>Household per-capita monthly income, necessary employment costs deducted from each earner's income
    /// (001 §一(一), 002 §二, 003 §一(二)).</summary>
    public static PolicyResult PerCapitaIncome(PolicyInput input)
    {
        var h = input.Household;
        var result = new PolicyResult();
        foreach (var m in h.Members)
            if (m.EmploymentCost > 0)
                result.Line($"{m.Name}: {PolicyResult.Yuan(m.MonthlyIncome)} − 就业成本 {PolicyResult.Yuan(m.EmploymentCost)} = {PolicyResult.Yuan(m.NetIncome)}");
        var perCapita = decimal.Round(h.NetIncome / h.Size, 2, MidpointRounding.AwayFromZero);
        result.Line($"人均月收入 = {PolicyResult.Yuan(h.NetIncome)} ÷ {h.Size} 人 = {PolicyResult.Yuan(perCapita)}");
        return result.Set("members", h.Size).Set("netIncome", h.NetIncome).Set("perCapitaIncome", perCapita);
    }

    /// <summary>补差 (001 §一(一), 004 §一(一)): (standard − per-capita income) × members, plus the 分类施保 add-on for
    /// members with serious illness, severe disability, aged 70+ or minors, a percentage of the standard each set
    /// by the county (004 §三(一)); eligible only when per-capita income is below the standard.</summary>
    public static PolicyResult DibaoSubsidy(PolicyInput input)
    {
        var result = PerCapitaIncome(input);
        var perCapita = result.Values["perCapitaIncome"]!.GetValue<decimal>();
        var standard = input.ResidenceStandard;
        var eligible = perCapita < standard;
        result.Set("standard", standard).Set("eligible", eligible);
        if (!eligible)
        {
            result.Line($"人均月收入 {PolicyResult.Yuan(perCapita)} 不低于低保标准 {PolicyResult.Yuan(standard)}：不符合低保条件");
            return result.Set("monthlyAmount", 0m);
        }
        return WithSubsidy(result, input, standard, perCapita);
    }

    /// <summary>补差 on the household's income, never below nothing, plus the 分类施保 add-ons: the monthly amount.</summary>
    private static PolicyResult WithSubsidy(PolicyResult result, PolicyInput input, decimal standard, decimal perCapita)
    {
        var size = input.Household.Size;
        var gap = Math.Max(0m, standard - perCapita) * size;
        result.Line($"补差 = ({PolicyResult.Yuan(standard)} − {PolicyResult.Yuan(Math.Min(perCapita, standard))}) × {size} 人 = {PolicyResult.Yuan(gap)}");
        var addOn = 0m;
        foreach (var m in input.Household.Members)
        {
            if (AddOnPercent(m, input) is not { Percent: > 0 } p) continue;
            var extra = decimal.Round(standard * p.Percent / 100m, 2, MidpointRounding.AwayFromZero);
            addOn += extra;
            result.Line($"分类施保 {m.Name}（{p.Category}）: {PolicyResult.Yuan(standard)} × {p.Percent}% = {PolicyResult.Yuan(extra)}");
        }
        var monthly = gap + addOn;
        result.Line($"月保障金 = {PolicyResult.Yuan(gap)} + {PolicyResult.Yuan(addOn)} = {PolicyResult.Yuan(monthly)}");
        return result.Set("addOn", addOn).Set("monthlyAmount", monthly);
    }

    /// <summary>The poverty registrations of 004 §一(二): not yet lifted out (未脱贫建档立卡), returned to poverty (返贫),
    /// newly poor (新增贫困).</summary>
    public static readonly string[] RegisteredPoorStatuses = ["unlifted", "returned", "newly-poor"];

    /// <summary>
    /// JL 004 §一(二): registered-poor people of those statuses with severe disability or serious illness (who have lost
    /// their capacity to work) are all covered by rural dibao, their household's economic situation not checked. The
    /// amount is the 补差 on the declared incomes at the rural standard plus the 分类施保 add-ons. Anyone else is not
    /// covered by this rule and goes through the economic check.
    /// </summary>
    public static PolicyResult RegisteredPoorCover(PolicyInput input)
    {
        var status = input.Data["povertyStatus"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var incapacitated = input.Household.Members.Where(m => m.SevereDisability || m.SeriousIllness).Select(m => m.Name).ToList();
        var result = new PolicyResult();
        if (status is null || !RegisteredPoorStatuses.Contains(status) || incapacitated.Count == 0)
        {
            result.Line(status is null || !RegisteredPoorStatuses.Contains(status)
                ? $"建档立卡状态 {status ?? "（无）"} 不属于未脱贫、返贫或新增贫困人口：须进行家庭经济状况核对"
                : "家庭中无重度残疾人或重病患者：须进行家庭经济状况核对");
            return result.Set("eligible", false).Set("economicCheckWaived", false);
        }
        result.Line($"建档立卡状态 {status}，{string.Join("、", incapacitated)} 重度残疾或重病：纳入农村低保，不再进行家庭经济状况核对（吉林 004 §一(二)）");
        var income = PerCapitaIncome(input);
        foreach (var line in income.Arithmetic) result.Line($"按申报收入：{line}");
        var perCapita = income.Values["perCapitaIncome"]!.GetValue<decimal>();
        var standard = input.Standard.RuralMonthly;
        result.Set("members", input.Household.Size).Set("perCapitaIncome", perCapita).Set("standard", standard)
            .Set("eligible", true).Set("economicCheckWaived", true);
        return WithSubsidy(result, input, standard, perCapita);
    }

    private static (string Category, decimal Percent)? AddOnPercent(Member m, PolicyInput input)
    {
        // One add-on per person, the highest that applies.
        var candidates = new List<(string, decimal)>();
        if (m.SeriousIllness) candidates.Add(("重病", input.Parameter("addOnSeriousIllnessPercent", 0)));
        if (m.SevereDisability) candidates.Add(("重残", input.Parameter("addOnSevereDisabilityPercent", 0)));
        if (m.Age is >= 70) candidates.Add(("70 周岁以上", input.Parameter("addOnAged70Percent", 0)));
        if (m.Age is < 18) candidates.Add(("未成年人", input.Parameter("addOnMinorPercent", 0)));
        return candidates.Count == 0 ? null : candidates.MaxBy(c => c.Item2);
    }

    /// <summary>低收入家庭: per-capita income above the standard and below <c>lowIncomeMultiplier</c> × standard (1.5 in CQ
    /// 000 §一(一) and NX 003 §一(一); 2 in JL 004 §二(一)); where <c>assetLimitMonths</c> is set (JL: 24), cash,
    /// deposits, securities and claims per person within that many months of the standard.</summary>
    public static PolicyResult LowIncome(PolicyInput input)
    {
        var result = PerCapitaIncome(input);
        var perCapita = result.Values["perCapitaIncome"]!.GetValue<decimal>();
        var standard = input.ResidenceStandard;
        var multiplier = input.Parameter("lowIncomeMultiplier", 1.5m);
        var ceiling = standard * multiplier;
        var inBand = perCapita > standard && perCapita < ceiling;
        result.Line($"低收入区间：{PolicyResult.Yuan(standard)} < {PolicyResult.Yuan(perCapita)} < {PolicyResult.Yuan(standard)} × {multiplier} = {PolicyResult.Yuan(ceiling)}：{(inBand ? "是" : "否")}");
        var eligible = inBand;
        var assetMonths = input.Parameter("assetLimitMonths", 0);
        if (assetMonths > 0)
        {
            var perPerson = decimal.Round(input.Household.FinancialAssets / input.Household.Size, 2, MidpointRounding.AwayFromZero);
            var limit = standard * assetMonths;
            var withinAssets = perPerson <= limit;
            result.Line($"人均金融资产 {PolicyResult.Yuan(input.Household.FinancialAssets)} ÷ {input.Household.Size} = {PolicyResult.Yuan(perPerson)} ≤ {assetMonths} × {PolicyResult.Yuan(standard)} = {PolicyResult.Yuan(limit)}：{(withinAssets ? "是" : "否")}");
            result.Set("assetsPerCapita", perPerson).Set("assetLimit", limit);
            eligible &= withinAssets;
        }
        return result.Set("standard", standard).Set("ceiling", ceiling).Set("eligible", eligible);
    }

    /// <summary>单人户 (000 §一(一), 003 §一(一), 004 §二(一)): inside a low-income household, a person with a grade 1–2
    /// disability, a grade-3 intellectual or mental disability where the province accepts it
    /// (<c>singlePersonGrade3</c>: CQ and JL always, NX where conditions allow), or a serious illness, is covered
    /// alone at <c>singlePersonPercent</c> of the standard; where <c>singlePersonCapAtHouseholdCover</c> is set (JL:
    /// "原则上不得高于按户保障同类对象水平") not above what the same person would get as a household of one — the 补差 on
    /// their own income plus their 分类施保 add-on.</summary>
    public static PolicyResult SinglePerson(PolicyInput input)
    {
        var result = LowIncome(input);
        var applicant = input.Household.Applicant;
        var grade3 = input.Parameters["singlePersonGrade3"] is JsonValue g && g.TryGetValue<bool>(out var accepted) && accepted;
        string? reason = applicant switch
        {
            { DisabilityGrade: 1 or 2 } => $"{applicant.DisabilityGrade} 级残疾",
            { DisabilityGrade: 3, DisabilityKind: "intellectual" or "mental" } when grade3 => "三级智力或精神残疾",
            { SeriousIllness: true } => "重病",
            _ => null,
        };
        var inBand = result.Values["eligible"]!.GetValue<bool>();
        var eligible = inBand && reason is not null;
        result.Line(reason is null ? "申请人不属于重残、重病人员，不能参照单人户纳入低保" : $"申请人属于{reason}");
        if (!inBand) result.Line("家庭不属于低收入家庭，不能参照单人户纳入低保");
        if (!eligible) return result.Set("eligible", false).Set("reason", reason).Set("monthlyAmount", 0m);
        var standard = input.ResidenceStandard;
        var percent = input.Parameter("singlePersonPercent", 100);
        var monthly = decimal.Round(standard * percent / 100m, 2, MidpointRounding.AwayFromZero);
        result.Line($"单人户保障金 = {PolicyResult.Yuan(standard)} × {percent}% = {PolicyResult.Yuan(monthly)}");
        if (input.Parameters["singlePersonCapAtHouseholdCover"] is JsonValue cap && cap.TryGetValue<bool>(out var capped) && capped)
        {
            var gap = Math.Max(0m, standard - applicant.NetIncome);
            var addOn = AddOnPercent(applicant, input) is { Percent: > 0 } p
                ? decimal.Round(standard * p.Percent / 100m, 2, MidpointRounding.AwayFromZero) : 0m;
            var householdCover = gap + addOn;
            result.Line($"按户保障同类对象水平 = ({PolicyResult.Yuan(standard)} − {PolicyResult.Yuan(Math.Min(applicant.NetIncome, standard))}) + 分类施保 {PolicyResult.Yuan(addOn)} = {PolicyResult.Yuan(householdCover)}");
            if (monthly > householdCover)
            {
                monthly = householdCover;
                result.Line($"不高于按户保障水平：月保障金 = {PolicyResult.Yuan(monthly)}");
            }
            result.Set("householdCover", householdCover);
        }
        return result.Set("eligible", true).Set("reason", reason).Set("members", 1).Set("monthlyAmount", monthly);
    }

    /// <summary>Temporary-aid amount (NX 003 §二(二)): per person <c>emergencyMultiplier</c> (2), <c>expenditureMultiplier</c>
    /// (3) or, for an individual, <c>individualMultiplier</c> (1.5) times the urban monthly standard.</summary>
    public static PolicyResult TemporaryAidAmount(PolicyInput input)
    {
        var type = input.Data["aidType"]?.GetValue<string>() ?? "emergency";
        var individual = input.Data["individual"] is JsonValue i && i.GetValue<bool>();
        var (multiplier, label) = individual ? (input.Parameter("individualMultiplier", 1.5m), "个人")
            : type == "expenditure" ? (input.Parameter("expenditureMultiplier", 3m), "支出型家庭")
            : (input.Parameter("emergencyMultiplier", 2m), "急难型家庭");
        var people = individual ? 1 : input.Household.Size;
        var urban = input.Standard.UrbanMonthly;
        var amount = urban * multiplier * people;
        return new PolicyResult()
            .Line($"{label}：城市低保标准 {PolicyResult.Yuan(urban)} × {multiplier} × {people} 人 = {PolicyResult.Yuan(amount)}")
            .Set("aidType", type).Set("multiplier", multiplier).Set("people", people).Set("amount", amount);
    }

    /// <summary>Who approves (JL 004 §四(一)): the township for emergency aid up to <c>townshipEmergencyLimit</c> (1000 yuan)
    /// and expenditure aid up to <c>townshipExpenditureMonths</c> (6) months of the urban standard; the county above.</summary>
    public static PolicyResult ApprovalAuthority(PolicyInput input)
    {
        var type = input.Data["aidType"]?.GetValue<string>() ?? "emergency";
        var amount = input.Data["amount"] is JsonValue a && a.TryGetValue<decimal>(out var given) ? given
            : input.Data["requestedAmount"]?.GetValue<decimal>() ?? 0m;
        var limit = type == "expenditure"
            ? input.Standard.UrbanMonthly * input.Parameter("townshipExpenditureMonths", 6)
            : input.Parameter("townshipEmergencyLimit", 1000);
        var level = amount <= limit ? "township" : "county";
        return new PolicyResult()
            .Line($"{(type == "expenditure" ? "支出型" : "急难型")} {PolicyResult.Yuan(amount)} 元 {(amount <= limit ? "≤" : ">")} 乡镇权限 {PolicyResult.Yuan(limit)} 元：由{(level == "township" ? "乡镇（街道）" : "县级")}审批")
            .Set("amount", amount).Set("limit", limit).Set("level", level);
    }

    /// <summary>Epidemic patients (CQ 001 §一(五)): <c>patientMultiplier</c> (2) × the standard per month from diagnosis
    /// until discharge, a part month counting as a whole month.</summary>
    public static PolicyResult EpidemicPatient(PolicyInput input)
    {
        var diagnosed = DateOnly.Parse(input.Data["diagnosedOn"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var discharged = DateOnly.Parse(input.Data["dischargedOn"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var months = (discharged.Year - diagnosed.Year) * 12 + discharged.Month - diagnosed.Month + 1;
        var standard = input.ResidenceStandard;
        var multiplier = input.Parameter("patientMultiplier", 2);
        var amount = standard * multiplier * months;
        return new PolicyResult()
            .Line($"{diagnosed:yyyy-MM-dd} 至 {discharged:yyyy-MM-dd}，不足一个月按一个月计：{months} 个月")
            .Line($"{PolicyResult.Yuan(standard)} × {multiplier} × {months} = {PolicyResult.Yuan(amount)}")
            .Set("months", months).Set("monthlyAmount", standard * multiplier).Set("amount", amount);
    }
}
