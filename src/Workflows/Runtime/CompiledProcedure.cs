using System.Collections.Concurrent;
using Stateless;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <param name="MayPayAtOnce">a payment handed over at once (the township's reserve fund is read)</param>
/// <param name="MayTouchBenefit">a benefit action or an end, which may end a benefit (the case's benefit is read)</param>
public sealed record Reach(bool MayEnd, bool MayReleaseClaim, bool MayVerifyUnique, IReadOnlyList<string> SubProcedures,
    bool MayPayAtOnce, bool MayTouchBenefit);

/// <summary>The entry actions a step triggers; the engine implements them per command.</summary>
public interface IStepEffects
{
    void Enter(StepDefinition step);
    /// <summary>Evaluates a decision branch condition against the case.</summary>
    bool Holds(string expression);
}

/// <summary>
/// A published version compiled into Stateless machines: steps are states, outcomes and "next" are
/// triggers, decision conditions are guards, entering a step runs its entry effects. Machines are
/// configured once and pooled; each command binds one to the case's stored state through the external
/// state accessor, fires, and hands it back.
/// </summary>
public sealed class CompiledProcedure
{
    /// <summary>The trigger of steps that move on by themselves (decision, action, payment, timer).</summary>
    public const string Next = "next";

    private readonly ConcurrentBag<BoundMachine> _pool = new();

    public CompiledProcedure(DefinitionVersionRecord version, ProcedureDefinition definition)
    {
        Version = version;
        Definition = definition;
        Steps = definition.Steps.ToDictionary(s => s.Id);
        // Parse every expression now, so the first case does not pay for it and a bad one fails at load.
        foreach (var expression in AllExpressions(definition)) Expressions.Prepare(expression);
        UsesStandard = AllExpressions(definition).Any(e => e.Contains("standard"))
            || definition.Steps.Any(s => s.Action == StepActionNames.ApplyRule);
        GrantsBenefit = definition.Steps.Any(s => s.Kind == StepKinds.Action && StepActionNames.Benefit.Contains(s.Action));
        ReadsBenefit = GrantsBenefit && AllExpressions(definition).Any(e => e.Contains("benefit"));
    }

    public DefinitionVersionRecord Version { get; }
    public ProcedureDefinition Definition { get; }
    public IReadOnlyDictionary<string, StepDefinition> Steps { get; }
    /// <summary>Whether any expression or policy rule reads the region's MLG standard, so a command looks it up
    /// only when needed. Worked out once per version, not per command.</summary>
    public bool UsesStandard { get; }
    /// <summary>Whether its steps grant, change or end a monthly benefit (待遇): a command on its cases reads the benefit.</summary>
    public bool GrantsBenefit { get; }
    /// <summary>Whether an expression reads the case's <c>benefit</c> (e.g. a review waiting until its last month), so
    /// every command on its cases reads the benefit, wherever it goes.</summary>
    public bool ReadsBenefit { get; }

    private readonly ConcurrentDictionary<(string, string?), Reach> _reach = new();

    /// <summary>What a command may run into before the case waits again: firing <paramref name="trigger"/> in
    /// <paramref name="step"/>, or entering <paramref name="step"/> itself when the trigger is null. The engine
    /// loads only what those steps can touch.</summary>
    public Reach ReachOf(string step, string? trigger) => _reach.GetOrAdd((step, trigger), key =>
    {
        var (from, via) = key;
        var first = via is null ? [from]
            : Step(from).Kind == StepKinds.Task ? Step(from).Outcomes.Where(o => o.Name == via).Select(o => o.To)
            : DefinitionValidator.Targets(Step(from));
        var seen = new HashSet<string>();
        var queue = new Queue<string>(first);
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id)) continue;
            if (Step(id).Kind is StepKinds.Decision or StepKinds.Action or StepKinds.Payment)
                foreach (var next in DefinitionValidator.Targets(Step(id))) queue.Enqueue(next);
        }
        var steps = seen.Select(Step).ToList();
        return new Reach(
            MayEnd: steps.Any(s => s.Kind == StepKinds.End),
            MayReleaseClaim: steps.Any(s => s.Kind == StepKinds.End && s.Status is not ("approved" or "closed")),
            MayVerifyUnique: steps.Any(s => s.Kind == StepKinds.Action && s.Action == StepActionNames.VerifyUnique),
            SubProcedures: steps.Where(s => s.Kind == StepKinds.SubProcedure).Select(s => s.Procedure!).Distinct().ToList(),
            MayPayAtOnce: steps.Any(s => s.Kind == StepKinds.Payment && s.PaidAtOnce),
            MayTouchBenefit: ReadsBenefit || GrantsBenefit && steps.Any(s => s.Kind == StepKinds.End
                || (s.Kind == StepKinds.Action && StepActionNames.Benefit.Contains(s.Action))));
    });

    public StepDefinition Step(string id) =>
        Steps.TryGetValue(id, out var step) ? step : throw new InvalidOperationException($"Unknown step '{id}'");

    /// <summary>Fires <paramref name="trigger"/> in <paramref name="state"/>; returns the new state, or null when
    /// the trigger is not permitted there.</summary>
    public string? Fire(string state, string trigger, IStepEffects effects)
    {
        var machine = _pool.TryTake(out var pooled) ? pooled : new BoundMachine(this);
        try
        {
            machine.Bind(state, effects);
            if (!machine.Machine.CanFire(trigger)) return null;
            machine.Machine.Fire(trigger);
            return machine.State;
        }
        finally
        {
            machine.Bind("", null);
            _pool.Add(machine);
        }
    }

    private static IEnumerable<string> AllExpressions(ProcedureDefinition d) =>
        d.Rules.SelectMany(r => new[] { r.When, r.Check })
            .Concat(d.Steps.SelectMany(s => s.Form.SelectMany(r => new[] { r.When, r.Check })))
            .Concat(d.Steps.SelectMany(s => s.Branches.Select(b => b.When)))
            .Concat(d.Steps.SelectMany(s => s.Outcomes.Select(o => o.When)))
            .Concat(d.Steps.Select(s => s.Amount))
            .Concat(d.Steps.Select(s => s.Reason))
            .Concat(d.Steps.Select(s => s.Value))
            .Concat(d.Steps.Select(s => s.Months))
            .Concat(d.Steps.Select(s => s.From))
            .Concat(d.Steps.Select(s => s.Until))
            .OfType<string>();

    private sealed class BoundMachine
    {
        private IStepEffects? _effects;
        private readonly Dictionary<string, int> _chosenBranch = new();

        public BoundMachine(CompiledProcedure procedure)
        {
            Machine = new StateMachine<string, string>(() => State, s => State = s, FiringMode.Immediate);
            foreach (var step in procedure.Definition.Steps) Configure(step);
        }

        public string State { get; private set; } = "";
        public StateMachine<string, string> Machine { get; }

        public void Bind(string state, IStepEffects? effects)
        {
            State = state;
            _effects = effects;
            _chosenBranch.Clear();
        }

        private void Configure(StepDefinition step)
        {
            var config = Machine.Configure(step.Id).OnEntry(() => _effects!.Enter(step));
            switch (step.Kind)
            {
                case StepKinds.Task:
                    foreach (var outcome in step.Outcomes) Permit(config, step, outcome.Name, outcome.To);
                    break;
                case StepKinds.Decision:
                    for (var i = 0; i < step.Branches.Count; i++)
                    {
                        var index = i;
                        var guard = () => ChosenBranch(step) == index;
                        if (step.Branches[i].To == step.Id) config.PermitReentryIf(Next, guard);
                        else config.PermitIf(Next, step.Branches[i].To, guard);
                    }
                    break;
                case StepKinds.End:
                    break;
                case StepKinds.Notice:
                    // An objection upheld leaves the notice; one dismissed leaves it running (CaseRun.ConcludeObjection).
                    foreach (var outcome in step.Outcomes.Where(o => o.To != step.Id)) config.Permit(outcome.Name, outcome.To);
                    Permit(config, step, Next, step.Next!);
                    break;
                default:
                    Permit(config, step, Next, step.Next!);
                    break;
            }
        }

        private static void Permit(StateMachine<string, string>.StateConfiguration config, StepDefinition step,
            string trigger, string to)
        {
            if (to == step.Id) config.PermitReentry(trigger);
            else config.Permit(trigger, to);
        }

        /// <summary>The first branch whose condition holds (the last may have none); -1 if none does.
        /// Evaluated once per firing, so the guards are mutually exclusive as Stateless requires.</summary>
        private int ChosenBranch(StepDefinition step)
        {
            if (_chosenBranch.TryGetValue(step.Id, out var chosen)) return chosen;
            chosen = step.Branches.FindIndex(b => b.When is null || _effects!.Holds(b.When));
            _chosenBranch[step.Id] = chosen;
            return chosen;
        }
    }
}
