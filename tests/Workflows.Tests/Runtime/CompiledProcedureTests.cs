using Workflows.Definitions;
using Workflows.Runtime;

namespace Workflows.Tests.Runtime;

public class CompiledProcedureTests
{
    private sealed class Effects(Func<string, bool> holds) : IStepEffects
    {
        public List<string> Entered { get; } = new();
        public void Enter(StepDefinition step) => Entered.Add(step.Id);
        public bool Holds(string expression) => holds(expression);
    }

    private static CompiledProcedure Compile() => new(new DefinitionVersionRecord { Id = 1, Version = 1 }, DefinitionJson.Parse("""
    {
      "key": "t", "regionCode": "", "name": "t", "start": "review",
      "steps": [
        { "id": "review", "kind": "task", "name": "r", "role": "township-officer", "level": "township",
          "outcomes": [ { "name": "approve", "to": "route" }, { "name": "reject", "to": "no" }, { "name": "return", "to": "review" } ] },
        { "id": "route", "kind": "decision", "name": "d",
          "branches": [ { "when": "big", "to": "county" }, { "when": "small", "to": "yes" }, { "to": "no" } ] },
        { "id": "county", "kind": "end", "name": "c", "status": "closed" },
        { "id": "yes", "kind": "end", "name": "y", "status": "approved" },
        { "id": "no", "kind": "end", "name": "n", "status": "rejected" }
      ]
    }
    """));

    [Fact]
    public void Outcomes_are_triggers_and_entering_a_step_runs_its_effects()
    {
        var procedure = Compile();
        var effects = new Effects(_ => false);
        Assert.Equal("route", procedure.Fire("review", "approve", effects));
        Assert.Equal(["route"], effects.Entered);
    }

    [Fact]
    public void A_trigger_the_step_does_not_allow_is_refused() =>
        Assert.Null(Compile().Fire("review", "pay", new Effects(_ => false)));

    [Fact]
    public void Returning_a_task_to_itself_enters_it_again()
    {
        var effects = new Effects(_ => false);
        Assert.Equal("review", Compile().Fire("review", "return", effects));
        Assert.Equal(["review"], effects.Entered);
    }

    [Theory]
    [InlineData(true, true, "county")] // both hold: the first branch wins, not an ambiguity error
    [InlineData(false, true, "yes")]
    [InlineData(false, false, "no")]   // the unconditional last branch
    public void Decision_guards_take_the_first_branch_that_holds(bool big, bool small, string expected)
    {
        var evaluated = new List<string>();
        var effects = new Effects(e => { evaluated.Add(e); return e == "big" ? big : small; });
        Assert.Equal(expected, Compile().Fire("route", CompiledProcedure.Next, effects));
        Assert.Equal(evaluated.Distinct().Count(), evaluated.Count); // each condition runs once per firing
    }

    [Fact]
    public void Pooled_machines_serve_concurrent_commands_independently()
    {
        var procedure = Compile();
        Parallel.For(0, 2000, i =>
        {
            var big = i % 2 == 0;
            Assert.Equal(big ? "county" : "yes", procedure.Fire("route", CompiledProcedure.Next, new Effects(e => e == "big" ? big : true)));
        });
    }
}
