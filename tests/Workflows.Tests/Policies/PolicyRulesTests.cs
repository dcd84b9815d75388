using System.Text.Json.Nodes;
using Workflows.Policies;

namespace Workflows.Tests.Policies;

/// <summary>The rules of the seed notices, each amount worked out by hand in the comment beside it.</summary>
public class PolicyRulesTests
{
    private static readonly Standard Jilin = new(UrbanMonthly: 700m, RuralMonthly: 500m, "2026-01-01", "220102");

    private static PolicyInput Input(string household, object? data = null, object? parameters = null, Standard? standard = null) => new(
        Household.From(JsonNode.Parse(household)!.AsObject()),
        standard ?? Jilin,
        JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(data ?? new { residence = "urban" }))!.AsObject(),
        JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(parameters ?? new { }))!.AsObject());

    private const string ThreePeople = """
    { "members": [
        { "name": "张三", "relation": "self", "monthlyIncome": 1200, "employmentCost": 200, "age": 45 },
        { "name": "李梅", "relation": "spouse", "monthlyIncome": 300, "age": 43, "seriousIllness": true },
        { "name": "张小", "relation": "child", "monthlyIncome": 0, "age": 12 } ] }
    """;

    private static decimal D(PolicyResult r, string name) => r.Values[name]!.GetValue<decimal>();

    [Theory] // JL 004 §一(二)
    [InlineData("unlifted", true)]
    [InlineData("returned", true)]
    [InlineData("newly-poor", true)]
    [InlineData("lifted", false)]
    [InlineData(null, false)]
    public void Registered_poor_people_with_serious_illness_are_covered_without_the_economic_check(string? status, bool covered)
    {
        var result = PolicyRules.RegisteredPoorCover(Input(ThreePeople, new { residence = "urban", povertyStatus = status },
            new { addOnSeriousIllnessPercent = 20, addOnMinorPercent = 10 }));
        Assert.Equal(covered, result.Values["economicCheckWaived"]!.GetValue<bool>());
        if (!covered) return;
        // Rural standard whatever the residence: (500 − 433.33) × 3 = 200.01; 重病 500 × 20% = 100; minor 500 × 10% = 50.
        Assert.Equal(500m, D(result, "standard"));
        Assert.Equal(350.01m, D(result, "monthlyAmount"));
    }

    [Fact]
    public void Registered_poor_without_a_severely_disabled_or_ill_member_go_through_the_economic_check()
    {
        const string healthy = """{ "members": [ { "name": "王五", "relation": "self", "monthlyIncome": 100, "age": 40 } ] }""";
        var result = PolicyRules.RegisteredPoorCover(Input(healthy, new { povertyStatus = "unlifted" }));
        Assert.False(result.Values["economicCheckWaived"]!.GetValue<bool>());
        Assert.Contains("须进行家庭经济状况核对", result.Arithmetic.Single());
    }

    [Fact]
    public void Per_capita_income_deducts_employment_costs() // 001 §一(一), 003 §一(二)
    {
        // (1200 − 200) + 300 + 0 = 1300; 1300 ÷ 3 = 433.33
        var result = PolicyRules.PerCapitaIncome(Input(ThreePeople));
        Assert.Equal(1300m, D(result, "netIncome"));
        Assert.Equal(433.33m, D(result, "perCapitaIncome"));
        Assert.Contains(result.Arithmetic, l => l.Contains("1200 − 就业成本 200 = 1000"));
    }

    [Fact]
    public void The_subsidy_is_the_gap_to_the_standard_times_members_plus_the_category_add_on() // 004 §一(一), §三(一)
    {
        // urban standard 700: (700 − 433.33) × 3 = 800.01; add-on: 李梅 serious illness 20% of 700 = 140, 张小 minor 10% = 70
        var result = PolicyRules.DibaoSubsidy(Input(ThreePeople, parameters: new { addOnSeriousIllnessPercent = 20, addOnMinorPercent = 10 }));
        Assert.True(result.Values["eligible"]!.GetValue<bool>());
        Assert.Equal(210m, D(result, "addOn"));
        Assert.Equal(1010.01m, D(result, "monthlyAmount"));
    }

    [Fact]
    public void The_rural_standard_applies_to_rural_residents_and_above_it_there_is_no_subsidy()
    {
        // rural standard 500: (500 − 433.33) × 3 = 200.01
        Assert.Equal(200.01m, D(PolicyRules.DibaoSubsidy(Input(ThreePeople, new { residence = "rural" })), "monthlyAmount"));
        var richer = ThreePeople.Replace("\"monthlyIncome\": 300", "\"monthlyIncome\": 2000"); // (1000 + 2000) ÷ 3 = 1000 ≥ 700
        var refused = PolicyRules.DibaoSubsidy(Input(richer));
        Assert.False(refused.Values["eligible"]!.GetValue<bool>());
        Assert.Equal(0m, D(refused, "monthlyAmount"));
        Assert.Contains(refused.Arithmetic, l => l.Contains("不符合低保条件"));
    }

    [Theory]
    // 1000 per capita: above 700, below 1.5 × 700 = 1050 (CQ 000 §一(一), NX 003 §一(一)) and below 2 × 700 = 1400 (JL 004 §二(一)).
    [InlineData(1.5, 3000, true)]
    // 1200 per capita: above 1050, so not low-income at 1.5×; still below 1400 at 2×.
    [InlineData(1.5, 3600, false)]
    [InlineData(2.0, 3600, true)]
    public void The_low_income_band_is_a_multiple_of_the_standard(double multiplier, int income, bool expected)
    {
        var household = $$"""{ "members": [ { "name": "a", "relation": "self", "monthlyIncome": {{income}} }, { "name": "b" }, { "name": "c" } ] }""";
        Assert.Equal(expected, PolicyRules.LowIncome(Input(household, parameters: new { lowIncomeMultiplier = multiplier }))
            .Values["eligible"]!.GetValue<bool>());
    }

    [Fact]
    public void Jilin_caps_financial_assets_at_24_months_of_the_standard_per_person() // 004 §二(一)
    {
        // per capita income 1000 (in the 2× band); limit 24 × 700 = 16,800 per person
        const string withAssets = """{ "members": [ { "relation": "self", "monthlyIncome": 2000 }, { } ], "assets": { "cash": 3000, "deposits": 25000, "securities": 5000, "claims": 600 } }""";
        var over = PolicyRules.LowIncome(Input(withAssets, parameters: new { lowIncomeMultiplier = 2, assetLimitMonths = 24 }));
        Assert.Equal(16800m, D(over, "assetsPerCapita")); // 33,600 ÷ 2 = 16,800: exactly the limit, still within
        Assert.True(over.Values["eligible"]!.GetValue<bool>());
        var more = withAssets.Replace("\"claims\": 600", "\"claims\": 602");
        Assert.False(PolicyRules.LowIncome(Input(more, parameters: new { lowIncomeMultiplier = 2, assetLimitMonths = 24 })).Values["eligible"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(2, null, false, true)]             // grade 2: every province
    [InlineData(3, "intellectual", true, true)]    // grade 3 intellectual where the province accepts it (CQ, JL)
    [InlineData(3, "intellectual", false, false)]  // … and not where it does not (NX without the local extension)
    [InlineData(3, "physical", true, false)]       // grade 3 physical: no
    [InlineData(null, null, false, false)]
    // 单人户: 000 §一(一) (CQ), 003 §一(一) (NX, grade 3 "where conditions allow"), 004 §二(一) (JL).
    public void The_single_person_rule_takes_the_disability_grades_each_province_accepts(int? grade, string? kind, bool grade3, bool expected)
    {
        var household = $$"""
        { "members": [ { "name": "申请人", "relation": "self", "monthlyIncome": 2400, {{(grade is null ? "" : $"\"disabilityGrade\": {grade},")}} "disabilityKind": {{(kind is null ? "null" : $"\"{kind}\"")}} }, { "name": "母亲" }, { "name": "父亲" } ] }
        """;
        // per capita 800: low-income at 1.5 × 700 = 1050; covered alone at 80% of 700 = 560
        var result = PolicyRules.SinglePerson(Input(household, parameters: new { singlePersonGrade3 = grade3, singlePersonPercent = 80 }));
        Assert.Equal(expected, result.Values["eligible"]!.GetValue<bool>());
        Assert.Equal(expected ? 560m : 0m, D(result, "monthlyAmount"));
    }

    [Theory]
    [InlineData("emergency", false, 4200)]     // 2 × 700 × 3 people (NX 003 §二(二))
    [InlineData("expenditure", false, 6300)]   // 3 × 700 × 3
    [InlineData("emergency", true, 1050)]      // an individual: 1.5 × 700
    public void Ningxia_temporary_aid_is_a_multiple_of_the_urban_standard_per_person(string type, bool individual, decimal expected) =>
        Assert.Equal(expected, D(PolicyRules.TemporaryAidAmount(Input(ThreePeople, new { aidType = type, individual, residence = "rural" })), "amount"));

    [Theory]
    [InlineData("emergency", 1000, "township")]      // JL 004 §四(一): up to 1000 yuan
    [InlineData("emergency", 1000.01, "county")]
    [InlineData("expenditure", 4200, "township")]    // up to 6 × 700 = 4200
    [InlineData("expenditure", 4200.5, "county")]
    public void Jilin_township_authority_limits(string type, decimal amount, string level) =>
        Assert.Equal(level, PolicyRules.ApprovalAuthority(Input("{}", new { aidType = type, requestedAmount = amount }))
            .Values["level"]!.GetValue<string>());

    [Fact]
    public void An_epidemic_patient_gets_twice_the_standard_for_every_month_begun() // 001 §一(五)
    {
        // 28 January to 3 March: January, February, March = 3 months; 2 × 700 × 3 = 4200
        var result = PolicyRules.EpidemicPatient(Input("{}", new { residence = "urban", diagnosedOn = "2020-01-28", dischargedOn = "2020-03-03" }));
        Assert.Equal(3, result.Values["months"]!.GetValue<int>());
        Assert.Equal(4200m, D(result, "amount"));
    }
}
