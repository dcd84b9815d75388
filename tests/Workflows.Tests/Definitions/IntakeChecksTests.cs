using System.Text.Json.Nodes;
using Workflows.Definitions;
using Workflows.Runtime;
using Workflows.Testing;

namespace Workflows.Tests.Definitions;

/// <summary>The server's half of a definition's application form: each declared demand refuses the value that breaks it,
/// naming the field by its path.</summary>
public class IntakeChecksTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    private static readonly IntakeForm Form = System.Text.Json.JsonSerializer.Deserialize<IntakeForm>("""
    {
      "fields": [
        { "field": "data.residence", "label": "居住地类型", "type": "choice", "required": true,
          "options": [ { "value": "urban", "label": "城市" }, { "value": "rural", "label": "农村" } ] },
        { "field": "data.requestedAmount", "label": "申请金额", "type": "money", "required": true, "min": 0.01, "max": 5000, "unit": "元" },
        { "field": "data.months", "label": "月数", "type": "integer" },
        { "field": "data.affectedOn", "label": "日期", "type": "date" },
        { "field": "applicant.phone", "label": "联系电话", "type": "phone" },
        { "field": "data.witnesses", "label": "证明人", "type": "list", "required": true, "minItems": 2,
          "fields": [ { "field": "name", "label": "证明人姓名", "type": "text", "required": true },
                      { "field": "phone", "label": "证明人电话", "type": "phone", "required": true } ] }
      ],
      "members": [ { "field": "idNumber", "label": "身份证号码", "type": "idNumber", "required": true },
                   { "field": "monthlyIncome", "label": "月收入", "type": "money", "required": true } ]
    }
    """, DefinitionJson.Options)!;

    private static JsonObject Application(Action<JsonObject>? change = null)
    {
        var root = new JsonObject
        {
            ["applicant"] = new JsonObject { ["name"] = "张三", ["phone"] = "13800000000" },
            ["household"] = new JsonObject
            {
                ["members"] = new JsonArray(new JsonObject { ["idNumber"] = IdNumbers.Next(), ["monthlyIncome"] = 800 }),
            },
            ["data"] = new JsonObject
            {
                ["residence"] = "urban", ["requestedAmount"] = 1200.5m, ["months"] = 3, ["affectedOn"] = "2026-11-30",
                ["witnesses"] = new JsonArray(new JsonObject { ["name"] = "李四", ["phone"] = "13900000001" },
                                              new JsonObject { ["name"] = "王五", ["phone"] = "13900000002" }),
            },
        };
        change?.Invoke(root);
        return root;
    }

    private static Dictionary<string, string[]> Errors(JsonObject root)
    {
        var errors = new FieldErrors();
        IntakeChecks.Collect(Form, root, Today, errors);
        return errors.Any ? errors.ToProblem().Errors.ToDictionary(e => e.Key, e => e.Value) : [];
    }

    [Fact]
    public void A_complete_application_passes() => Assert.Empty(Errors(Application()));

    public static TheoryData<string, Action<JsonObject>, string, string> Broken => new()
    {
        { "a required choice missing", r => r["data"]!.AsObject().Remove("residence"), "data.residence", "居住地类型必填" },
        { "a choice outside its options", r => r["data"]!["residence"] = "suburb", "data.residence", "城市（urban）" },
        { "money with three decimals", r => r["data"]!["requestedAmount"] = 10.005m, "data.requestedAmount", "最多两位小数" },
        { "money above its maximum", r => r["data"]!["requestedAmount"] = 5000.01m, "data.requestedAmount", "不能大于 5000元" },
        { "a whole number with a fraction", r => r["data"]!["months"] = 2.5m, "data.months", "整数" },
        { "a date that is no date", r => r["data"]!["affectedOn"] = "2026-02-30", "data.affectedOn", "YYYY-MM-DD" },
        { "a phone of letters", r => r["applicant"]!["phone"] = "call me", "applicant.phone", "电话号码" },
        { "one witness of two", r => r["data"]!["witnesses"]!.AsArray().RemoveAt(1), "data.witnesses", "至少 2 项" },
        { "a witness without a phone", r => r["data"]!["witnesses"]![1]!.AsObject().Remove("phone"), "data.witnesses[1].phone", "证明人电话必填" },
        { "a member's wrong check digit", r => r["household"]!["members"]![0]!["idNumber"] = "220102198001010011",
            "household.members[0].idNumber", "校验位错误" },
        { "a member without income", r => r["household"]!["members"]![0]!.AsObject().Remove("monthlyIncome"),
            "household.members[0].monthlyIncome", "月收入必填" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_demand_names_its_field(string what, Action<JsonObject> breakIt, string field, string message)
    {
        var errors = Errors(Application(breakIt));
        Assert.True(errors.ContainsKey(field), $"{what}: {string.Join("; ", errors.Keys)}");
        Assert.Contains(errors[field], m => m.Contains(message));
        Assert.True(errors.Count == 1, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
    }
}
