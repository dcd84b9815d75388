using System.Text.Json;
using NJsonSchema;
using Workflows.Access;
using Workflows.Regions;

namespace Workflows.Definitions;

public sealed record DefinitionError(string Path, string Message);

public sealed record ValidationReport(bool Valid, IReadOnlyList<DefinitionError> Errors)
{
    public static ValidationReport Of(List<DefinitionError> errors) => new(errors.Count == 0, errors);
}

/// <summary>
/// The one validator of procedure definitions: the JSON Schema first, then what a schema cannot say —
/// every step reachable, every path able to end, targets and roles that exist, expressions that parse,
/// deadlines in range. Publish, the loader of workflows/ and the designer all call this.
/// Error paths name the step by id: <c>steps[village-check].deadline.workingDays</c>.
/// </summary>
public static partial class DefinitionValidator
{
    public const int MaxDeadlineWorkingDays = 60;
    public const int MaxTimerWorkingDays = 260;
    public const int MaxNoticeWorkingDays = 30;
    /// <summary>Far above any procedure of the seeds (the largest has 18 steps); what a designer can still show.</summary>
    public const int MaxSteps = 500;
    /// <summary>The largest definition accepted, in UTF-8 bytes (the shipped ones are under 20 KB).</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions StrictJson = new()
    {
        CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, AllowDuplicateProperties = false, MaxDepth = 32,
    };
    public static readonly string[] TimeoutActions = ["remind", "escalate", "auto"];
    public static readonly string[] EndStatuses = ["approved", "rejected", "withdrawn", "closed"];

    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(DefinitionValidator).Assembly.GetManifestResourceStream("procedure.schema.json")!;
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    });

    /// <summary>Validates raw JSON: malformed JSON and schema violations are reported, not thrown.</summary>
    public static ValidationReport Validate(string json)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxBytes)
            return ValidationReport.Of([new("", $"定义超过 {MaxBytes / 1024} KB (a definition is at most {MaxBytes / 1024} KB)")]);
        // Strict JSON first: comments, trailing commas and a key given twice (which one would count?) are refused.
        try
        {
            using var document = JsonDocument.Parse(json, StrictJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return ValidationReport.Of([new("", "应为一个流程定义对象 (a definition is a JSON object)")]);
        }
        catch (JsonException e) { return ValidationReport.Of([new("", $"不是有效的 JSON (not valid JSON)：{e.Message}")]); }
        ICollection<NJsonSchema.Validation.ValidationError> schemaErrors;
        try { schemaErrors = Schema.Value.Validate(json); }
        catch (Exception e) when (e is JsonException or Newtonsoft.Json.JsonException)
        {
            return ValidationReport.Of([new("", $"不是有效的 JSON (not valid JSON)：{e.Message}")]);
        }
        if (schemaErrors.Count > 0)
        {
            var stepIds = StepIds(json);
            return ValidationReport.Of(schemaErrors.SelectMany(Flatten)
                .Select(e => e with { Path = StepIndex().Replace(e.Path, m =>
                    int.TryParse(m.Groups[1].Value, out var i) && i < stepIds.Count && stepIds[i] is { } id ? $"steps[{id}]" : m.Value) })
                .ToList());
        }
        ProcedureDefinition definition;
        try { definition = DefinitionJson.Parse(json); }
        catch (JsonException e)
        {
            // What the schema lets through but the model cannot hold (a number too large for its field, …).
            return ValidationReport.Of([new(e.Path?.TrimStart('$', '.') ?? "", $"不符合定义格式 (does not fit the definition)：{e.Message}")]);
        }
        return Validate(definition);
    }

    private static IEnumerable<DefinitionError> Flatten(NJsonSchema.Validation.ValidationError error)
    {
        if (error is NJsonSchema.Validation.ChildSchemaValidationError child)
            foreach (var inner in child.Errors.SelectMany(e => e.Value).SelectMany(Flatten)) yield return inner;
        else
            yield return new(error.Path?.TrimStart('#', '/').Replace('/', '.') ?? "", Describe(error.Kind));
    }

    private static string Describe(NJsonSchema.Validation.ValidationErrorKind kind) => kind switch
    {
        NJsonSchema.Validation.ValidationErrorKind.PropertyRequired => "必填 (is required)",
        NJsonSchema.Validation.ValidationErrorKind.NoAdditionalPropertiesAllowed => "不是可识别的字段 (is not a known property)",
        NJsonSchema.Validation.ValidationErrorKind.NotInEnumeration => "不是允许的取值 (is not one of the allowed values)",
        NJsonSchema.Validation.ValidationErrorKind.PatternMismatch => "格式不符 (does not have the required format)",
        NJsonSchema.Validation.ValidationErrorKind.TooFewItems => "项目太少 (needs more items)",
        _ => "不符合定义格式 (does not fit the schema)",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^steps\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex StepIndex();

    private static List<string?> StepIds(string json)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json)?["steps"] is System.Text.Json.Nodes.JsonArray steps
                ? steps.Select(s => s is System.Text.Json.Nodes.JsonObject step && step["id"] is System.Text.Json.Nodes.JsonValue v
                                    && v.TryGetValue<string>(out var id) ? id : null).ToList()
                : [];
        }
        catch (JsonException) { return []; }
    }

    public static ValidationReport Validate(ProcedureDefinition d)
    {
        var errors = new List<DefinitionError>();
        void Error(string path, string message) => errors.Add(new(path, message));

        if (!RegionCode.IsWellFormed(d.RegionCode))
            Error("regionCode", "应为 \"\"（全国）或 2、4、6、9、12 位区划代码 (must be \"\" (country) or a 2, 4, 6, 9 or 12 digit region code)");
        foreach (var (rule, i) in d.Rules.Select((r, i) => (r, i)))
            CheckRule(rule, $"rules[{i}]", Error);
        foreach (var (list, i) in d.RefusedIfListed.Select((n, i) => (n, i)))
            if (list != DataComparison.ComparisonKinds.UnemploymentInsurance)
                Error($"refusedIfListed[{i}]", $"未知的比对名单 '{list}'，可选：{DataComparison.ComparisonKinds.UnemploymentInsurance} (unknown list)");
        foreach (var (name, i) in d.LiveParameters.Select((n, i) => (n, i)))
            if (!d.Parameters.ContainsKey(name))
                Error($"liveParameters[{i}]", $"没有名为 '{name}' 的参数 (names no parameter of the procedure)");
        if (d.Intake is { } intake) CheckIntake(intake, Error);
        foreach (var (name, label) in d.ParameterLabels)
        {
            if (!d.Parameters.ContainsKey(name)) Error($"parameterLabels.{name}", $"没有名为 '{name}' 的参数 (names no parameter of the procedure)");
            else if (string.IsNullOrWhiteSpace(label.Label)) Error($"parameterLabels.{name}.label", "须填写中文名称 (a parameter's label is required)");
        }
        if (d.OncePer is { } once && (!RegionCode.TryParseLevel(once.Scope, out _) && once.Scope != "country"))
            Error("oncePer.scope", $"未知的区划层级 '{once.Scope}' (unknown region level '{once.Scope}')");

        if (d.StartedBy is { } startedBy)
        {
            if (!StartRoutes.All.Contains(startedBy.Route))
                Error("startedBy.route", $"应为 {string.Join(" / ", StartRoutes.All)} 之一 (one of the start routes)");
            foreach (var (role, i) in (startedBy.Roles ?? []).Select((r, i) => (r, i)))
                if (!Roles.IsKnown(role)) Error($"startedBy.roles[{i}]", $"未知角色 '{role}' (unknown role)");
        }

        if (d.Steps.Count > MaxSteps)
        {
            Error("steps", $"步骤最多 {MaxSteps} 个 (at most {MaxSteps} steps)");
            return ValidationReport.Of(errors);
        }
        var ids = new HashSet<string>();
        foreach (var step in d.Steps)
            if (!ids.Add(step.Id)) Error($"steps[{step.Id}].id", "步骤标识重复 (step id is used twice)");
        var byId = d.Steps.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First());
        if (!byId.ContainsKey(d.Start)) Error("start", $"没有步骤 '{d.Start}' (unknown step '{d.Start}')");

        foreach (var step in d.Steps) CheckStep(step, ids, Error);
        foreach (var step in d.Steps.Where(s => s.Kind == StepKinds.Action && s.Action == StepActionNames.VerifyUnique && d.OncePer is null))
            Error($"steps[{step.Id}].action", "查重须在流程中设定唯一性 oncePer (the duplicate check needs the definition's oncePer: what must be unique, and where)");

        if (byId.ContainsKey(d.Start))
        {
            var reachable = Reachable(byId, d.Start);
            foreach (var step in d.Steps.Where(s => !reachable.Contains(s.Id)))
                Error($"steps[{step.Id}]", "无法到达：从起始步骤没有路径通向这里 (unreachable: no path from the start step leads here)");
            foreach (var id in AutomaticCycle(byId))
                Error($"steps[{id}]", "自动步骤构成循环，案件将永远无法停下等待办理 (these automatic steps form a loop with no task, timer or notice in it: a case would never stop)");
            var canEnd = CanReachEnd(d, byId);
            foreach (var step in d.Steps.Where(s => reachable.Contains(s.Id) && !canEnd.Contains(s.Id)))
                Error($"steps[{step.Id}]", "无法结束：从这里没有路径通向结束步骤 (dead end: no path from this step reaches an end step)");
        }
        return ValidationReport.Of(errors);
    }

    private static void CheckStep(StepDefinition step, HashSet<string> ids, Action<string, string> error)
    {
        var at = $"steps[{step.Id}]";
        void Target(string? to, string path)
        {
            if (string.IsNullOrEmpty(to)) error($"{at}.{path}", "没有连接去向 (has no target step)");
            else if (!ids.Contains(to)) error($"{at}.{path}", $"没有步骤 '{to}' (unknown step '{to}')");
        }

        switch (step.Kind)
        {
            case StepKinds.Task:
                if (!Roles.IsKnown(step.Role)) error($"{at}.role", $"未知的角色 '{step.Role}' (unknown role '{step.Role}')");
                if (!RegionCode.TryParseLevel(step.Level, out var level) || level == RegionLevel.Country)
                    error($"{at}.level", $"未知的办理层级 '{step.Level}' (unknown region level '{step.Level}')");
                if (step.Outcomes.Count == 0) error($"{at}.outcomes", "人工办理步骤至少需要一个办理结果 (a task needs at least one outcome)");
                foreach (var group in step.Outcomes.GroupBy(o => o.Name).Where(g => g.Count() > 1))
                    error($"{at}.outcomes[{group.Key}]", "办理结果名称重复 (outcome name is used twice)");
                foreach (var outcome in step.Outcomes)
                {
                    Target(outcome.To, $"outcomes[{outcome.Name}].to");
                    CheckExpression(outcome.When, $"{at}.outcomes[{outcome.Name}].when", error);
                }
                if (step.Outcomes.All(o => o.When is not null))
                    error($"{at}.outcomes", "至少一个办理结果须不设条件，任务才总有结果可选 (at least one outcome must be unconditional)");
                if (step.Deadline is { } deadline) CheckDeadline(step, deadline, at, level, error);
                foreach (var (rule, i) in step.Form.Select((r, i) => (r, i))) CheckRule(rule, $"{at}.form[{i}]", error);
                break;
            case StepKinds.Decision:
                if (step.Branches.Count == 0) error($"{at}.branches", "判断至少需要一个分支 (a decision needs at least one branch)");
                for (var i = 0; i < step.Branches.Count; i++)
                {
                    var branch = step.Branches[i];
                    Target(branch.To, $"branches[{i}].to");
                    if (branch.When is null && i < step.Branches.Count - 1)
                        error($"{at}.branches[{i}].when", "只有最后一个分支可以不设条件 (only the last branch may have no condition)");
                    if (branch.When is not null && i == step.Branches.Count - 1)
                        error($"{at}.branches[{i}].when", "最后一个分支须不设条件，其余条件都不成立时走此分支 (the last branch must have no condition: it is taken when no other applies)");
                    CheckExpression(branch.When, $"{at}.branches[{i}].when", error);
                }
                break;
            case StepKinds.Action:
                if (!StepActionNames.All.Contains(step.Action))
                    error($"{at}.action", $"未知的操作 '{step.Action}'，可选：{string.Join(", ", StepActionNames.All)} (unknown action)");
                if (step.Action == StepActionNames.ApplyRule && !Policies.PolicyRules.Names.Contains(step.Rule ?? ""))
                    error($"{at}.rule", $"未知的政策规则 '{step.Rule}'，可选：{string.Join(", ", Policies.PolicyRules.Names)} (unknown policy rule)");
                if (step.Action is StepActionNames.ApplyRule or StepActionNames.Assign && string.IsNullOrEmpty(step.Output))
                    error($"{at}.output", "未指定结果写入的字段 (names no data field for the answer)");
                if (step.Action == StepActionNames.Assign && string.IsNullOrWhiteSpace(step.Value))
                    error($"{at}.value", "赋值需要一个值表达式 (an assignment needs a value expression)");
                CheckExpression(step.Value, $"{at}.value", error);
                if (step.Action is StepActionNames.GrantBenefit or StepActionNames.ChangeBenefit && string.IsNullOrWhiteSpace(step.Amount))
                    error($"{at}.amount", "待遇需要月金额表达式 (a benefit needs a monthly amount expression)");
                if (step.Action is StepActionNames.GrantBenefit or StepActionNames.ChangeBenefit) CheckExpression(step.Amount, $"{at}.amount", error);
                foreach (var (field, expression) in new[] { ("from", step.From), ("until", step.Until) })
                {
                    if (expression is not null && step.Action != StepActionNames.GrantBenefit)
                        error($"{at}.{field}", "只有核定待遇可以设起止月份 (only a grant-benefit action sets a first or last month)");
                    CheckExpression(expression, $"{at}.{field}", error);
                }
                if (step.Action == StepActionNames.GradualExit && string.IsNullOrWhiteSpace(step.Months))
                    error($"{at}.months", "渐退需要月数表达式 (a gradual exit needs its number of months)");
                CheckExpression(step.Months, $"{at}.months", error);
                Target(step.Next, "next");
                break;
            case StepKinds.Payment:
                if (string.IsNullOrWhiteSpace(step.Amount)) error($"{at}.amount", "发放需要金额表达式 (a payment needs an amount expression)");
                else CheckExpression(step.Amount, $"{at}.amount", error);
                Target(step.Next, "next");
                break;
            case StepKinds.Timer:
                if (step.Period is null && step.WorkingDays is not (>= 1 and <= MaxTimerWorkingDays))
                    error($"{at}.workingDays", $"应为 1 至 {MaxTimerWorkingDays} 个工作日 (must be between 1 and {MaxTimerWorkingDays} working days)");
                if (step.Period is not null && step.WorkingDays is not null)
                    error($"{at}.period", "等待只能按工作日或按月，不能两者都设 (a timer waits either a number of working days or until the next month, not both)");
                if (step.Months is not null && step.Period is null)
                    error($"{at}.months", "只有按月等待可以设月数 (only a monthly timer waits a number of months)");
                CheckExpression(step.Months, $"{at}.months", error);
                Target(step.Next, "next");
                break;
            case StepKinds.Notice:
                if (step.WorkingDays is not (>= 1 and <= MaxNoticeWorkingDays))
                    error($"{at}.workingDays", $"公示期应为 1 至 {MaxNoticeWorkingDays} 个工作日 (a notice period must be between 1 and {MaxNoticeWorkingDays} working days)");
                CheckExpression(step.Amount, $"{at}.amount", error);
                Target(step.Next, "next");
                if (step.Outcomes.Count > 0) CheckObjections(step, at, Target, error);
                break;
            case StepKinds.SubProcedure:
                if (string.IsNullOrEmpty(step.Procedure)) error($"{at}.procedure", "未指定要办理的子流程 (names no procedure to run)");
                if (string.IsNullOrEmpty(step.Output)) error($"{at}.output", "未指定子流程决定写入的字段 (names no data field for the child's decision)");
                Target(step.Next, "next");
                break;
            case StepKinds.End:
                if (!EndStatuses.Contains(step.Status))
                    error($"{at}.status", $"结束步骤须设结束状态：{string.Join(", ", EndStatuses)} (an end step needs a status)");
                if (step.Outcomes.Count > 0 || step.Next is not null || step.Branches.Count > 0)
                    error($"{at}", "结束步骤不能再有去向 (an end step leads nowhere)");
                CheckExpression(step.Reason, $"{at}.reason", error);
                break;
            default:
                error($"{at}.kind", $"未知的步骤类型 '{step.Kind}'，可选：{string.Join(", ", StepKinds.All)} (unknown kind)");
                break;
        }
    }

    private static void CheckDeadline(StepDefinition step, Deadline deadline, string at, RegionLevel level,
        Action<string, string> error)
    {
        if (deadline.WorkingDays is < 1 or > MaxDeadlineWorkingDays)
            error($"{at}.deadline.workingDays", $"应为 1 至 {MaxDeadlineWorkingDays} 个工作日 (must be between 1 and {MaxDeadlineWorkingDays} working days)");
        if (deadline.RemindEveryWorkingDays is < 1 or > MaxDeadlineWorkingDays)
            error($"{at}.deadline.remindEveryWorkingDays", $"应为 1 至 {MaxDeadlineWorkingDays} 个工作日 (must be between 1 and {MaxDeadlineWorkingDays} working days)");
        if (deadline.RemindEveryWorkingDays is not null && deadline.OnTimeout == "auto")
            error($"{at}.deadline.remindEveryWorkingDays", "自动办理的任务不再提醒 (a task with an automatic outcome is not reminded)");
        switch (deadline.OnTimeout)
        {
            case "auto" when step.Outcomes.All(o => o.Name != deadline.Outcome):
                error($"{at}.deadline.outcome", $"'{deadline.Outcome}' 不是本步骤的办理结果 (is not one of this step's outcomes)");
                break;
            case "auto" when step.Outcomes.First(o => o.Name == deadline.Outcome).RequiresComment:
                error($"{at}.deadline.outcome", "需书面理由的结果不能自动办理 (an automatic outcome cannot be one that requires a written reason)");
                break;
            case "auto" when step.Outcomes.First(o => o.Name == deadline.Outcome).When is not null:
                error($"{at}.deadline.outcome", "有条件的结果不能自动办理 (an automatic outcome cannot be a conditional one)");
                break;
            case "escalate":
                if (!Roles.IsKnown(deadline.EscalateTo))
                    error($"{at}.deadline.escalateTo", $"未知的角色 '{deadline.EscalateTo}' (unknown role '{deadline.EscalateTo}')");
                if (level is RegionLevel.Province or RegionLevel.Country)
                    error($"{at}.deadline.onTimeout", "省级任务没有上级可上报 (a province-level task has no level above to escalate to)");
                break;
            case "remind" or "auto":
                break;
            default:
                error($"{at}.deadline.onTimeout", $"应为以下之一：{string.Join(", ", TimeoutActions)} (must be one of these)");
                break;
        }
    }

    /// <summary>The application form: every field labelled, of a known type, where the application keeps values
    /// (<c>applicant.</c> or <c>data.</c>; the name and ID number are always asked), and each path once.</summary>
    private static void CheckIntake(IntakeForm intake, Action<string, string> error)
    {
        CheckFormFields(intake.Fields, "intake.fields", error, path =>
            (path.StartsWith("data.", StringComparison.Ordinal) && path.Length > 5) || path is "applicant.phone" or "applicant.bankAccount");
        if (intake.Members is { } members)
            CheckFormFields(members, "intake.members", error, path => path.Length > 0 && !path.Contains('.'));
    }

    private static void CheckFormFields(List<FormField> fields, string at, Action<string, string> error, Func<string, bool> placeable)
    {
        foreach (var (field, i) in fields.Select((f, i) => (f, i)))
        {
            var here = $"{at}[{i}]";
            if (!placeable(field.Field))
                error($"{here}.field", $"字段 '{field.Field}' 不能放在此处：申请表字段应为 data.…、applicant.phone 或 applicant.bankAccount，成员字段为成员的属性名 (not a place for this field)");
            if (string.IsNullOrWhiteSpace(field.Label)) error($"{here}.label", "须填写中文名称 (a field needs its label)");
            if (!FormFieldTypes.All.Contains(field.Type))
                error($"{here}.type", $"未知的字段类型 '{field.Type}'，可选：{string.Join(", ", FormFieldTypes.All)} (unknown field type)");
            if (field.Type == FormFieldTypes.Choice && field.Options is not { Count: > 0 })
                error($"{here}.options", "选择题须列出选项 (a choice needs its options)");
            if (field.Type == FormFieldTypes.List)
            {
                if (field.Fields is not { Count: > 0 }) error($"{here}.fields", "列表须列出每项的字段 (a list needs the fields of its items)");
                else CheckFormFields(field.Fields, $"{here}.fields", error, path => path.Length > 0 && !path.Contains('.'));
            }
            if (field.Min is { } min && field.Max is { } max && min > max) error($"{here}.max", "上限小于下限 (max is below min)");
        }
        foreach (var group in fields.Select((f, i) => (f, i)).GroupBy(x => x.f.Field).Where(g => g.Count() > 1))
            error($"{at}[{group.Last().i}].field", $"字段 '{group.Key}' 重复 (a field appears twice)");
    }

    private static void CheckRule(FieldRule rule, string at, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(rule.Field)) error($"{at}.field", "未指定字段 (names no field)");
        if (!rule.Required && rule.Check is null) error(at, "校验须为必填或设校验表达式 (a rule must be required or have a check)");
        CheckExpression(rule.When, $"{at}.when", error);
        CheckExpression(rule.Check, $"{at}.check", error);
    }

    private static void CheckExpression(string? expression, string at, Action<string, string> error)
    {
        if (expression is null) return;
        if (Expressions.SyntaxProblem(expression) is { } problem) error(at, $"表达式无法解析 (expression does not parse)：{problem}");
    }

    /// <summary>A notice's outcomes are what its verifier (<c>role</c> at <c>level</c>, within <c>deadline</c>) decides about an
    /// objection (API.md, Other case actions): one outcome back to the notice itself lets it go on; the others leave it.</summary>
    private static void CheckObjections(StepDefinition step, string at, Action<string?, string> target, Action<string, string> error)
    {
        if (!Roles.IsKnown(step.Role)) error($"{at}.role", $"异议须指定核实的角色，未知的角色 '{step.Role}' (objections need a known role to verify them)");
        if (!RegionCode.TryParseLevel(step.Level, out var level) || level == RegionLevel.Country)
            error($"{at}.level", $"未知的核实层级 '{step.Level}' (unknown region level '{step.Level}')");
        foreach (var group in step.Outcomes.GroupBy(o => o.Name).Where(g => g.Count() > 1))
            error($"{at}.outcomes[{group.Key}]", "办理结果名称重复 (outcome name is used twice)");
        foreach (var outcome in step.Outcomes)
        {
            if (outcome.Name == "next") error($"{at}.outcomes[next]", "'next' 是公示期满的去向，不能作为核实结果 (next is where the notice goes when its period ends)");
            if (outcome.When is not null) error($"{at}.outcomes[{outcome.Name}].when", "异议核实结果不设条件 (an objection's outcomes take no condition)");
            if (outcome.To != step.Id) target(outcome.To, $"outcomes[{outcome.Name}].to");
        }
        if (step.Outcomes.All(o => o.To != step.Id))
            error($"{at}.outcomes", "须有一个核实结果回到本公示（异议不成立，公示继续）(one outcome must lead back to the notice: the objection dismissed, the notice goes on)");
        if (step.Outcomes.All(o => o.To == step.Id))
            error($"{at}.outcomes", "须有一个核实结果离开公示（异议成立）(one outcome must leave the notice: the objection upheld)");
        if (step.Deadline is { } deadline)
        {
            CheckDeadline(step, deadline, at, level, error);
            if (deadline.OnTimeout == "auto")
                error($"{at}.deadline.onTimeout", "异议须有人核实，不能逾期自动办理 (an objection is verified by a person: remind or escalate)");
        }
    }

    public static IEnumerable<string> Targets(StepDefinition step) => step.Kind switch
    {
        StepKinds.Task => step.Outcomes.Select(o => o.To),
        StepKinds.Notice => step.Outcomes.Select(o => o.To).Where(to => to != step.Id).Concat(step.Next is null ? [] : [step.Next]),
        StepKinds.Decision => step.Branches.Select(b => b.To),
        StepKinds.End => [],
        _ => step.Next is null ? [] : [step.Next],
    };

    private static HashSet<string> Reachable(Dictionary<string, StepDefinition> steps, string start)
    {
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var id))
            foreach (var next in Targets(steps[id]))
                if (steps.ContainsKey(next) && seen.Add(next)) queue.Enqueue(next);
        return seen;
    }

    /// <summary>The steps that can reach an end: a walk backwards from the end steps, each edge once.</summary>
    private static HashSet<string> CanReachEnd(ProcedureDefinition d, Dictionary<string, StepDefinition> steps)
    {
        var into = new Dictionary<string, List<string>>();
        foreach (var step in steps.Values)
            foreach (var next in Targets(step))
                (into.TryGetValue(next, out var from) ? from : into[next] = []).Add(step.Id);
        var result = d.Steps.Where(s => s.Kind == StepKinds.End).Select(s => s.Id).ToHashSet();
        var queue = new Queue<string>(result);
        while (queue.TryDequeue(out var id))
            foreach (var previous in into.GetValueOrDefault(id) ?? [])
                if (result.Add(previous)) queue.Enqueue(previous);
        return result;
    }

    /// <summary>Steps the engine passes through without waiting (decisions, actions, payments) that lead round to
    /// themselves: a case entering them would run on for ever. Depth-first, each step and edge once.</summary>
    private static IEnumerable<string> AutomaticCycle(Dictionary<string, StepDefinition> steps)
    {
        static bool Automatic(StepDefinition s) => s.Kind is StepKinds.Decision or StepKinds.Action or StepKinds.Payment;
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var inCycle = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in steps.Values.Where(Automatic))
        {
            if (state.ContainsKey(root.Id)) continue;
            var path = new List<string>();
            var stack = new Stack<(string Id, IEnumerator<string> Next)>();
            stack.Push((root.Id, Targets(root).GetEnumerator()));
            state[root.Id] = 1;
            path.Add(root.Id);
            while (stack.TryPeek(out var top))
            {
                if (!top.Next.MoveNext())
                {
                    stack.Pop();
                    state[top.Id] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                var next = top.Next.Current;
                if (!steps.TryGetValue(next, out var step) || !Automatic(step)) continue;
                if (state.GetValueOrDefault(next) == 1) inCycle.UnionWith(path[path.IndexOf(next)..]);
                else if (!state.ContainsKey(next))
                {
                    state[next] = 1;
                    path.Add(next);
                    stack.Push((next, Targets(step).GetEnumerator()));
                }
            }
        }
        return inCycle;
    }
}

/// <summary>The built-in actions an <c>action</c> step may name.</summary>
public static class StepActionNames
{
    /// <summary>The duplicate check: confirm this case holds the one-per-subject claim of <see cref="OncePer"/>.</summary>
    public const string VerifyUnique = "verify-unique";
    /// <summary>Records the decision to approve while the procedure goes on (先行救助: approved and paid, paperwork after).</summary>
    public const string ApproveCase = "approve-case";
    /// <summary>Applies a named policy rule (Policies.PolicyRules) and writes its answer and arithmetic to data.</summary>
    public const string ApplyRule = "apply-rule";
    /// <summary>Writes an expression's value to a data field (e.g. the month a gradual exit ends).</summary>
    public const string Assign = "assign";
    /// <summary>Grants the case its monthly benefit (待遇) from this month, of <c>amount</c> yuan; payroll runs pay it.</summary>
    public const string GrantBenefit = "grant-benefit";
    /// <summary>Sets the benefit's monthly amount anew from <c>amount</c> (a review found the household changed).</summary>
    public const string ChangeBenefit = "change-benefit";
    /// <summary>渐退: the benefit runs on for <c>months</c> more months after this one, then ends.</summary>
    public const string GradualExit = "gradual-exit";
    /// <summary>Ends the benefit with this month; the reason is the last written comment.</summary>
    public const string EndBenefit = "end-benefit";
    public static readonly string[] Benefit = [GrantBenefit, ChangeBenefit, GradualExit, EndBenefit];
    public static readonly string[] All = [VerifyUnique, ApproveCase, ApplyRule, Assign, .. Benefit];
}
