using System.Text.Json.Nodes;
using Workflows.Definitions;
using Workflows.Testing;

namespace Workflows.Tests.Definitions;

/// <summary>Each rule of the one validator (DESIGN.md, "One validator"), broken one at a time on a valid definition.</summary>
public class DefinitionValidatorTests
{
    private const string Valid = """
    {
      "key": "test-aid", "regionCode": "22", "name": "测试流程", "parameters": { "max": 1000 },
      "oncePer": { "scope": "province" },
      "rules": [ { "field": "data.amount", "required": true, "check": "data.amount <= params.max", "message": "too much" } ],
      "start": "check",
      "steps": [
        { "id": "check", "kind": "task", "name": "核实", "role": "village-caseworker", "level": "village",
          "deadline": { "workingDays": 3, "onTimeout": "escalate", "escalateTo": "township-officer" },
          "outcomes": [ { "name": "confirm", "to": "route" }, { "name": "refuse", "to": "refused", "requiresComment": true } ],
          "form": [ { "field": "note", "required": true, "message": "note needed" } ] },
        { "id": "route", "kind": "decision", "name": "分流",
          "branches": [ { "when": "data.amount > 500", "to": "wait" }, { "to": "unique" } ] },
        { "id": "wait", "kind": "timer", "name": "公示", "workingDays": 5, "next": "unique" },
        { "id": "unique", "kind": "action", "name": "查重", "action": "verify-unique", "next": "pay" },
        { "id": "pay", "kind": "payment", "name": "发放", "amount": "data.amount", "next": "done" },
        { "id": "done", "kind": "end", "name": "办结", "status": "approved" },
        { "id": "refused", "kind": "end", "name": "不予救助", "status": "rejected" }
      ]
    }
    """;

    private static JsonObject Step(JsonObject d, string id) =>
        d["steps"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["id"]!.GetValue<string>() == id);

    public static TheoryData<string, Action<JsonObject>, string, string> Broken => new()
    {
        { "start names no step", d => d["start"] = "nowhere", "start", "unknown step 'nowhere'" },
        { "step id used twice", d => Step(d, "wait")["id"] = "route", "steps[route].id", "used twice" },
        { "unknown kind", d => Step(d, "wait")["kind"] = "sleep", "steps[wait].kind", "is not one of the allowed values" },
        { "live parameter that is not a parameter", d => d["liveParameters"] = new JsonArray("epidemicEnds"), "liveParameters[0]",
            "names no parameter" },
        { "benefit without amount", d => Step(d, "unique")["action"] = "grant-benefit", "steps[unique].amount", "monthly amount expression" },
        { "gradual exit without months", d => Step(d, "unique")["action"] = "gradual-exit", "steps[unique].months", "number of months" },
        { "months that do not parse", d => { Step(d, "unique")["action"] = "gradual-exit"; Step(d, "unique")["months"] = "params.("; },
            "steps[unique].months", "" },
        { "unknown role", d => Step(d, "check")["role"] = "mayor", "steps[check].role", "unknown role 'mayor'" },
        { "unknown level", d => Step(d, "check")["level"] = "galaxy", "steps[check].level", "is not one of the allowed values" },
        { "task without outcomes", d => Step(d, "check")["outcomes"] = new JsonArray(), "steps[check].outcomes", "at least one outcome" },
        { "outcome name twice", d => Step(d, "check")["outcomes"]![1]!["name"] = "confirm", "steps[check].outcomes[confirm]", "used twice" },
        { "outcome to unknown step", d => Step(d, "check")["outcomes"]![0]!["to"] = "limbo", "steps[check].outcomes[confirm].to", "unknown step 'limbo'" },
        { "outcome with no target", d => Step(d, "check")["outcomes"]![0]!["to"] = "", "steps[check].outcomes[confirm].to", "no target" },
        { "deadline of 0 days", d => Step(d, "check")["deadline"]!["workingDays"] = 0, "steps[check].deadline.workingDays", "between 1 and 60" },
        { "deadline of 61 days", d => Step(d, "check")["deadline"]!["workingDays"] = 61, "steps[check].deadline.workingDays", "between 1 and 60" },
        { "auto outcome not on the step", d => Step(d, "check")["deadline"] = new JsonObject { ["workingDays"] = 3, ["onTimeout"] = "auto", ["outcome"] = "approve" },
            "steps[check].deadline.outcome", "not one of this step's outcomes" },
        { "auto outcome that needs a reason", d => Step(d, "check")["deadline"] = new JsonObject { ["workingDays"] = 3, ["onTimeout"] = "auto", ["outcome"] = "refuse" },
            "steps[check].deadline.outcome", "requires a written reason" },
        { "auto outcome that is conditional", d => { Step(d, "check")["outcomes"]![0]!["when"] = "params.open"; Step(d, "check")["deadline"] = new JsonObject { ["workingDays"] = 3, ["onTimeout"] = "auto", ["outcome"] = "confirm" }; },
            "steps[check].deadline.outcome", "cannot be a conditional one" },
        { "outcome condition does not parse", d => Step(d, "check")["outcomes"]![0]!["when"] = "params.open &&", "steps[check].outcomes[confirm].when", "does not parse" },
        { "every outcome conditional", d => { foreach (var o in Step(d, "check")["outcomes"]!.AsArray()) o!["when"] = "params.open"; },
            "steps[check].outcomes", "at least one outcome must be unconditional" },
        { "escalate to unknown role", d => Step(d, "check")["deadline"]!["escalateTo"] = "boss", "steps[check].deadline.escalateTo", "unknown role 'boss'" },
        { "escalate from the province", d => Step(d, "check")["level"] = "province", "steps[check].deadline.onTimeout", "no level above" },
        { "decision without branches", d => Step(d, "route")["branches"] = new JsonArray(), "steps[route].branches", "at least one branch" },
        { "branch to unknown step", d => Step(d, "route")["branches"]![0]!["to"] = "limbo", "steps[route].branches[0].to", "unknown step 'limbo'" },
        { "unconditional branch before the last", d => Step(d, "route")["branches"]![0]!.AsObject().Remove("when"), "steps[route].branches[0].when", "only the last branch" },
        { "branch condition does not parse", d => Step(d, "route")["branches"]![0]!["when"] = "data.amount >", "steps[route].branches[0].when", "does not parse" },
        { "rule check does not parse", d => d["rules"]![0]!["check"] = "data.amount <= (", "rules[0].check", "does not parse" },
        { "rule with neither required nor check", d => d["rules"]![0] = new JsonObject { ["field"] = "data.x", ["message"] = "m" }, "rules[0]", "required or have a check" },
        { "form check does not parse", d => Step(d, "check")["form"]![0]!["check"] = "input.note ===", "steps[check].form[0].check", "does not parse" },
        { "statements instead of an expression", d => Step(d, "pay")["amount"] = "1; while(true){}", "steps[pay].amount", "does not parse" },
        { "payment without amount", d => Step(d, "pay").Remove("amount"), "steps[pay].amount", "needs an amount" },
        { "payment to unknown step", d => Step(d, "pay")["next"] = "limbo", "steps[pay].next", "unknown step 'limbo'" },
        { "unknown action", d => Step(d, "unique")["action"] = "launch", "steps[unique].action", "未知的操作 'launch'" },
        { "unknown policy rule", d => { Step(d, "unique")["action"] = "apply-rule"; Step(d, "unique")["rule"] = "magic"; Step(d, "unique")["output"] = "x"; },
            "steps[unique].rule", "未知的政策规则 'magic'" },
        { "policy rule with nowhere to write", d => { Step(d, "unique")["action"] = "apply-rule"; Step(d, "unique")["rule"] = "dibao-subsidy"; },
            "steps[unique].output", "names no data field" },
        { "assignment without a value", d => { Step(d, "unique")["action"] = "assign"; Step(d, "unique")["output"] = "x"; },
            "steps[unique].value", "needs a value expression" },
        { "sub-procedure without a procedure", d => { Step(d, "unique")["kind"] = "subprocedure"; Step(d, "unique").Remove("action"); Step(d, "unique")["output"] = "x"; },
            "steps[unique].procedure", "names no procedure" },
        { "duplicate check without oncePer", d => d.Remove("oncePer"), "steps[unique].action", "needs the definition's oncePer" },
        { "notice period of 31 days", d => { Step(d, "wait")["kind"] = "notice"; Step(d, "wait")["workingDays"] = 31; },
            "steps[wait].workingDays", "notice period must be between 1 and 30" },
        { "timer of 0 days", d => Step(d, "wait")["workingDays"] = 0, "steps[wait].workingDays", "between 1 and 260" },
        { "end without status", d => Step(d, "done").Remove("status"), "steps[done].status", "needs a status" },
        { "end that leads on", d => Step(d, "done")["next"] = "pay", "steps[done]", "leads nowhere" },
        { "unreachable step", d => d["steps"]!.AsArray().Add(JsonNode.Parse("""{"id":"orphan","kind":"end","name":"o","status":"closed"}""")),
            "steps[orphan]", "unreachable" },
        { "dead end: a loop with no way out", d => { Step(d, "pay")["next"] = "wait"; Step(d, "wait")["next"] = "pay"; Step(d, "unique")["next"] = "pay"; },
            "steps[pay]", "dead end" },
        { "malformed region code", d => d["regionCode"] = "221", "regionCode", "does not have the required format" },
        { "unknown oncePer scope", d => d["oncePer"]!["scope"] = "planet", "oncePer.scope", "is not one of the allowed values" },
        { "a decision cycle with nothing to wait for", d => { Step(d, "unique")["next"] = "route"; Step(d, "route")["branches"]![1]!["to"] = "unique"; },
            "steps[unique]", "form a loop" },
        { "a decision without a default branch", d => Step(d, "route")["branches"]![1]!["when"] = "data.amount <= 500",
            "steps[route].branches[1].when", "the last branch must have no condition" },
        { "unknown start route", d => d["startedBy"] = JsonNode.Parse("""{"route":"anywhere"}"""), "startedBy.route", "is not one of the allowed values" },
        { "unknown starting role", d => d["startedBy"] = JsonNode.Parse("""{"roles":["mayor"]}"""), "startedBy.roles[0]", "unknown role" },
        { "a label of no parameter", d => d["parameterLabels"] = JsonNode.Parse("""{"min":{"label":"下限"}}"""), "parameterLabels.min", "names no parameter" },
        { "a parameter label left empty", d => d["parameterLabels"] = JsonNode.Parse("""{"max":{"label":" "}}"""), "parameterLabels.max.label", "label is required" },
        { "a form choice without options", d => d["intake"] = JsonNode.Parse("""{"fields":[{"field":"data.kind","label":"类别","type":"choice"}]}"""),
            "intake.fields[0].options", "needs its options" },
        { "a form field the application cannot hold", d => d["intake"] = JsonNode.Parse("""{"fields":[{"field":"applicant.name","label":"姓名","type":"text"}]}"""),
            "intake.fields[0].field", "not a place for this field" },
        { "a form field twice", d => d["intake"] = JsonNode.Parse("""{"fields":[{"field":"data.a","label":"甲","type":"text"},{"field":"data.a","label":"乙","type":"text"}]}"""),
            "intake.fields[1].field", "appears twice" },
        { "a form list without item fields", d => d["intake"] = JsonNode.Parse("""{"fields":[{"field":"data.witnesses","label":"证明人","type":"list"}]}"""),
            "intake.fields[0].fields", "fields of its items" },
        { "a member field with a path", d => d["intake"] = JsonNode.Parse("""{"fields":[],"members":[{"field":"a.b","label":"甲","type":"text"}]}"""),
            "intake.members[0].field", "not a place for this field" },
        { "a form field of an unknown type", d => d["intake"] = JsonNode.Parse("""{"fields":[{"field":"data.a","label":"甲","type":"colour"}]}"""),
            "intake.fields[0].type", "is not one of the allowed values" },
        { "missing name", d => d.Remove("name"), "name", "必填 (is required)" },
        { "unknown property", d => d["colour"] = "red", "colour", "is not a known property" },
    };

    [Fact]
    public void The_base_definition_is_valid()
    {
        var report = DefinitionValidator.Validate(Valid);
        Assert.True(report.Valid, string.Join("\n", report.Errors));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_names_the_step_and_field(string rule, Action<JsonObject> breakIt, string path, string message)
    {
        var definition = JsonNode.Parse(Valid)!.AsObject();
        breakIt(definition);
        var report = DefinitionValidator.Validate(definition.ToJsonString());
        Assert.False(report.Valid, rule);
        Assert.Contains(report.Errors, e => e.Path == path && e.Message.Contains(message));
    }

    [Fact]
    public void Malformed_json_is_reported_not_thrown()
    {
        var report = DefinitionValidator.Validate("{ \"key\": ");
        Assert.False(report.Valid);
        Assert.Contains("not valid JSON", report.Errors.Single().Message);
    }

    [Theory]
    [InlineData("a comment", "{ // note\n \"key\": \"x\" }")]
    [InlineData("a key given twice", "{ \"key\": \"x\", \"key\": \"y\" }")]
    [InlineData("a trailing comma", "{ \"key\": \"x\", }")]
    public void Json_that_is_not_strict_is_refused(string what, string json)
    {
        var report = DefinitionValidator.Validate(json);
        Assert.False(report.Valid, what);
        Assert.Contains("not valid JSON", report.Errors.Single().Message);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("5")]
    [InlineData("\"x\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{ \"id\": 5 }")]
    [InlineData("{ \"id\": \"pay\", \"kind\": \"payment\", \"next\": null }")]
    [InlineData("{ \"id\": \"x\", \"kind\": \"task\", \"outcomes\": [null] }")]
    [InlineData("{ \"id\": \"x\", \"kind\": \"decision\", \"branches\": [5] }")]
    public void A_step_of_any_shape_is_reported_not_thrown(string step)
    {
        var definition = JsonNode.Parse(Valid)!.AsObject();
        definition["steps"]![3] = JsonNode.Parse(step);
        var report = DefinitionValidator.Validate(definition.ToJsonString());
        Assert.False(report.Valid);
    }

    [Fact]
    public void A_definition_of_the_most_steps_validates_and_one_more_is_refused()
    {
        JsonObject Chain(int steps)
        {
            var d = JsonNode.Parse(Valid)!.AsObject();
            var list = new JsonArray();
            for (var i = 0; i < steps - 1; i++)
                list.Add(new JsonObject
                {
                    ["id"] = $"s{i}", ["kind"] = "task", ["name"] = $"步骤{i}", ["role"] = "village-caseworker", ["level"] = "village",
                    ["outcomes"] = new JsonArray(new JsonObject { ["name"] = "ok", ["to"] = i == steps - 2 ? "done" : $"s{i + 1}" }),
                });
            list.Add(new JsonObject { ["id"] = "done", ["kind"] = "end", ["name"] = "办结", ["status"] = "approved" });
            (d["steps"], d["start"]) = (list, "s0");
            d.Remove("oncePer");
            return d;
        }
        var most = DefinitionValidator.Validate(Chain(DefinitionValidator.MaxSteps).ToJsonString());
        Assert.True(most.Valid, string.Join("; ", most.Errors.Take(3)));
        var tooMany = DefinitionValidator.Validate(Chain(DefinitionValidator.MaxSteps + 1).ToJsonString());
        Assert.Contains(tooMany.Errors, e => e.Path == "steps" && e.Message.Contains("at most 500 steps"));
    }

    [Fact]
    public void Every_shipped_definition_is_valid()
    {
        var files = Directory.GetFiles(Repo.Workflows, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains("schema") && !f.Contains("calendars")).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var report = DefinitionValidator.Validate(File.ReadAllText(file));
            Assert.True(report.Valid, $"{file}: {string.Join("; ", report.Errors)}");
        }
    }
}
