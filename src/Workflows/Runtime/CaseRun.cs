using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Cases;
using Workflows.Definitions;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Tasks;
using TaskStatus = Workflows.Tasks.TaskStatus;

namespace Workflows.Runtime;

/// <summary>
/// One command on one case: the step effects Stateless calls on entry, and everything they add to the
/// unit of work. It never saves; <see cref="CaseEngine"/> does, once.
/// </summary>
internal sealed partial class CaseRun : IStepEffects
{
    private const int MaxAutomaticSteps = 100;

    private readonly CaseEngine _engine;
    private readonly CaseRecord _case;
    private readonly CompiledProcedure _procedure;
    private readonly Actor _actor;
    private readonly JsonObject _root;
    private readonly List<TaskRecord> _openTasks;
    private readonly OncePerClaimRecord? _claim;
    private JsonObject? _standard;
    /// <summary>The procedure's parameters as this case reads them: its version's, with the live ones (see
    /// <see cref="ProcedureDefinition.LiveParameters"/>) taken from the version that applies to the region now.</summary>
    private JsonObject _parameters = new();
    /// <summary>The reserve fund of the case's township, when one of the steps this command can reach pays at once.</summary>
    private ReserveFunds.ReserveFundRecord? _fund;
    private ExpressionScope? _scope;
    private JsonObject? _input;
    private string? _outcome;
    private string? _lastComment;
    private Dictionary<string, CompiledProcedure> _children = new();
    private CaseRun? _parent;
    private bool _finishParent;
    private bool _entering;
    private bool _childDone;

    private CaseRun(CaseEngine engine, CaseRecord record, CompiledProcedure procedure, Actor actor,
        List<TaskRecord> openTasks, OncePerClaimRecord? claim)
    {
        _engine = engine;
        _case = record;
        _procedure = procedure;
        _actor = actor;
        _root = JsonNode.Parse(record.DataJson)!.AsObject();
        _openTasks = openTasks;
        _claim = claim;
        _parameters = procedure.Definition.Parameters;
    }

    private WorkflowDb Db => _engine.Db;
    private DateTime Now => _engine.Now;
    public StepDefinition CurrentStep => _procedure.Step(_case.Step);

    /// <summary>Loads what the steps this command can reach may touch (<see cref="Reach"/>), so that the step
    /// effects themselves need no queries and a command that cannot end the case loads nothing more.
    /// <paramref name="openTasks"/>: every open task of the case, when the caller has read them already (a new
    /// case has none); the run keeps that list up to date as it completes, creates and cancels tasks.
    /// <paramref name="claims"/>: the case's once-per claims (none or one), when the caller has read them already.</summary>
    public static async Task<CaseRun> BeginAsync(CaseEngine engine, CaseRecord record, CompiledProcedure procedure,
        Actor actor, Reach reach, CancellationToken ct, List<TaskRecord>? openTasks = null,
        IReadOnlyList<OncePerClaimRecord>? claims = null)
    {
        var db = engine.Db;
        var existing = record.Version > 0; // every save moves the version: a case at 0 is being started by this command
        openTasks ??= existing && reach.MayEnd
            ? await db.Tasks.Where(t => t.CaseId == record.Id && t.Status == TaskStatus.Open).ToListAsync(ct)
            : [];
        var needsClaim = existing && procedure.Definition.OncePer is not null && (reach.MayReleaseClaim || reach.MayVerifyUnique);
        var claim = !needsClaim ? null
            : claims is not null ? claims.FirstOrDefault() // read with the task: none means none
            : await ClaimOf.For(db)(db, record.Id, ct);
        var run = new CaseRun(engine, record, procedure, actor, openTasks, claim);
        if (procedure.Definition.LiveParameters.Count > 0)
            run._parameters = await LiveParametersAsync(engine, record, procedure, ct);
        foreach (var key in reach.SubProcedures)
            run._children[key] = await engine.Catalog.ResolveAsync(db, key, record.RegionCode, ct)
                ?? throw new InvalidInput("procedure", $"区划 {record.RegionCode} 没有已发布的子流程 '{key}' (no such sub-procedure published)");
        // A child case started in this command shares the parent's standard (same region, same date).
        if (procedure.UsesStandard || run._children.Values.Any(c => c.UsesStandard))
            run._standard = await Standards.AtAsync(db, record.RegionCode, Calendar.WorkingDayCalendar.ChinaDate(engine.Now), ct);
        if (existing && reach.MayTouchBenefit)
            run._benefit = await db.Benefits.FirstOrDefaultAsync(b => b.CaseId == record.Id, ct);
        if (reach.MayPayAtOnce && RegionCode.LevelOf(record.RegionCode) >= RegionLevel.Township)
        {
            var township = RegionCode.AtLevel(record.RegionCode, RegionLevel.Township);
            run._fund = await db.ReserveFunds.FirstOrDefaultAsync(f => f.TownshipCode == township, ct);
        }
        if (existing && record.ParentCaseId is { } parentId && reach.MayEnd)
        {
            // This command may end a child case: its parent resumes in the same transaction.
            var parent = await db.Cases.SingleAsync(c => c.Id == parentId, ct);
            var parentProcedure = await engine.Catalog.GetAsync(db, parent.DefinitionVersionId, ct);
            run._parent = await BeginAsync(engine, parent, parentProcedure, Actor.System,
                parentProcedure.ReachOf(parent.Step, CompiledProcedure.Next), ct);
            run._finishParent = true;
        }
        return run;
    }

    /// <summary>A fact a province learns while its cases run (the day an epidemic ends) reaches them through a live
    /// parameter: read from the newest version published for the case's region, the rest staying as the case's version
    /// has them. A newest version that no longer has the parameter leaves the case's own value.</summary>
    private static async Task<JsonObject> LiveParametersAsync(CaseEngine engine, CaseRecord record, CompiledProcedure procedure,
        CancellationToken ct)
    {
        var own = procedure.Definition.Parameters;
        var newest = await engine.Catalog.ResolveAsync(engine.Db, procedure.Definition.Key, record.RegionCode, ct);
        if (newest is null || newest.Definition.Key != procedure.Definition.Key || ReferenceEquals(newest, procedure)) return own;
        var merged = own.DeepClone().AsObject();
        foreach (var name in procedure.Definition.LiveParameters)
            if (newest.Definition.Parameters.TryGetPropertyValue(name, out var value)) merged[name] = value?.DeepClone();
        return merged;
    }

    private static readonly PerModel<Func<WorkflowDb, Guid, CancellationToken, Task<OncePerClaimRecord?>>> ClaimOf = new(() =>
        EF.CompileAsyncQuery((WorkflowDb db, Guid caseId, CancellationToken ct) => db.OncePerClaims.FirstOrDefault(c => c.CaseId == caseId)));

    public void Record(string step, string action, string? outcome = null, string? comment = null, JsonNode? details = null) =>
        _engine.Record(_case.Id, new HistoryEntry(step, action, outcome, comment, details));

    public void EnterStart()
    {
        Enter(CurrentStep);
        AdvanceAutomatically();
    }

    /// <summary>Fires a trigger in the current step and runs on through automatic steps.</summary>
    public void Fire(string trigger)
    {
        if (_procedure.Fire(_case.Step, trigger, this) is null)
            throw new InvalidOperationException(
                $"Step '{_case.Step}' cannot take '{trigger}'" +
                (CurrentStep.Kind == StepKinds.Decision ? ": no branch condition holds" : ""));
        AdvanceAutomatically();
    }

    private void AdvanceAutomatically()
    {
        for (var i = 0; CurrentStep.Kind is StepKinds.Decision or StepKinds.Action or StepKinds.Payment
                        || (_childDone && CurrentStep.Kind == StepKinds.SubProcedure); i++)
        {
            if (i == MaxAutomaticSteps)
                throw new InvalidOperationException($"The procedure loops through automatic steps without waiting (at '{_case.Step}').");
            _childDone = false;
            if (_procedure.Fire(_case.Step, CompiledProcedure.Next, this) is null)
                throw new InvalidOperationException($"Step '{_case.Step}': no branch condition holds.");
        }
    }

    public void Enter(StepDefinition step)
    {
        _case.Step = step.Id;
        _entering = true;
        try { EnterStep(step); }
        finally { _entering = false; }
    }

    private void EnterStep(StepDefinition step)
    {
        switch (step.Kind)
        {
            case StepKinds.SubProcedure: StartChild(step); break;
            case StepKinds.Task: CreateTask(step); break;
            case StepKinds.Action: RunAction(step); break;
            case StepKinds.Payment: Pay(step); break;
            case StepKinds.Timer: Wait(step); break;
            case StepKinds.Notice: PublishNotice(step); break;
            case StepKinds.End: End(step); break;
        }
    }

    public bool Holds(string expression) => Scope().IsTrue(expression);

    /// <summary>Checks rules and throws 422 with every failing field at once, with the errors already <paramref name="found"/>.</summary>
    public void CheckRules(IEnumerable<FieldRule> rules, JsonObject? input, string? outcome, string fieldPrefix, FieldErrors? found = null)
    {
        _input = input;
        _outcome = outcome;
        _scope = null;
        var errors = found ?? new FieldErrors();
        CollectRuleErrors(rules, errors, fieldPrefix);
        errors.ThrowIfAny();
    }

    private void CollectRuleErrors(IEnumerable<FieldRule> rules, FieldErrors errors, string fieldPrefix)
    {
        foreach (var rule in rules)
        {
            var field = fieldPrefix + rule.Field;
            try
            {
                if (rule.When is not null && !Holds(rule.When)) continue;
                var value = _input is not null ? _input[rule.Field] : FieldPaths.Resolve(_root, rule.Field);
                var missing = value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>()));
                if (missing)
                {
                    if (rule.Required) errors.Add(field, rule.Message);
                    continue;
                }
                if (rule.Check is not null && !Holds(rule.Check)) errors.Add(field, rule.Message);
            }
            catch (ExpressionFailedException e)
            {
                errors.Add(field, $"{rule.Message}（无法判断：{e.Reason}）");
            }
        }
    }


    private ExpressionScope Scope() => _scope ??= new ExpressionScope(new JsonObject
    {
        ["data"] = _root["data"]?.DeepClone(),
        ["applicant"] = _root["applicant"]?.DeepClone(),
        ["household"] = _root["household"]?.DeepClone(),
        ["params"] = _parameters.DeepClone(),
        ["standard"] = _standard?.DeepClone(),
        // The day as the case's region lives it (China time), YYYY-MM-DD: a date compares with another as text.
        ["today"] = Calendar.WorkingDayCalendar.ChinaDate(Now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["input"] = _input?.DeepClone(),
        ["outcome"] = _outcome,
        ["decision"] = new JsonObject
        {
            ["approved"] = _case.Approved,
            ["amount"] = _case.AmountFen is { } fen ? Money.ToYuan(fen) : null,
        },
        // What this case has paid so far: instalment plans (一次审批、分次发放) count and settle against it.
        ["payments"] = new JsonObject
        {
            ["count"] = _case.PaymentCount,
            ["total"] = Money.ToYuan(_case.AmountFen ?? 0),
        },
        // The monthly benefit, when the case holds one: reviews and exits read its amount and its last month.
        ["benefit"] = _benefit is null ? null : new JsonObject
        {
            ["monthlyAmount"] = Money.ToYuan(_benefit.MonthlyAmountFen), ["from"] = _benefit.FromPeriod,
            ["until"] = _benefit.UntilPeriod, ["status"] = _benefit.Status,
        },
    });

    /// <summary>Writes the case's data back and moves its concurrency token.</summary>
    public void Finish()
    {
        _case.DataJson = _root.ToJsonString();
        _case.UpdatedAt = Now;
        _engine.MoveVersion(_case, _actor.Username);
    }
}
