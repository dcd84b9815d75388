using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflows.Definitions;

namespace Workflows.Tests.Definitions;

/// <summary>Definitions are data from provincial admins: their expressions run fenced in.</summary>
public class ExpressionSandboxTests
{
    private static ExpressionScope Scope() => new(new JsonObject
    {
        ["data"] = new JsonObject { ["requestedAmount"] = 800, ["witnesses"] = new JsonArray("a", "b") },
        ["params"] = new JsonObject { ["maxAmount"] = 1000 },
    });

    [Theory]
    [InlineData("(() => { while (true) {} })()")]              // endless loop
    [InlineData("(() => { for (;;) { let x = 1; } })()")]
    [InlineData("(function f(n) { return f(n + 1); })(0)")]     // unbounded recursion
    [InlineData("(() => { let s = 'x'; for (;;) s += s; })()")] // memory
    [InlineData("new Array(100000000).fill(1).length")]
    public void Runaway_expressions_are_stopped_quickly(string expression)
    {
        var watch = Stopwatch.StartNew();
        Assert.Throws<ExpressionFailedException>(() => Scope().Evaluate(expression));
        // Generous bound: the limits are 200 ms and 10,000 statements; this only proves it did not run on.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_regular_expression_that_backtracks_without_end_is_stopped_by_its_own_bound()
    {
        var watch = Stopwatch.StartNew();
        var failed = Assert.Throws<ExpressionFailedException>(() => Scope().Evaluate("/^(a+)+$/.test('a'.repeat(40) + '!')"));
        // The regex bound is 100 ms; before it, .NET's default of 10 s held the request (one statement: the time limit never ran).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}: {failed.Reason}");
    }

    [Fact]
    public void The_parsed_expression_cache_stays_within_its_bound()
    {
        for (var i = 0; i < Expressions.CacheLimit + 100; i++) Expressions.Prepare($"data.requestedAmount + {i} > 0");
        Assert.InRange(Expressions.CachedCount, 1, Expressions.CacheLimit);
    }

    [Theory]
    [InlineData("System.IO.File.Exists('/etc/passwd')")]
    [InlineData("importNamespace('System.IO')")]
    [InlineData("require('fs')")]
    [InlineData("undeclared = 1")] // strict mode: no accidental globals
    public void There_is_no_way_out_of_the_sandbox(string expression) =>
        Assert.Throws<ExpressionFailedException>(() => Scope().Evaluate(expression));

    [Fact]
    public void Conditions_see_case_data_and_parameters()
    {
        var scope = Scope();
        Assert.True(scope.IsTrue("data.requestedAmount <= params.maxAmount && data.witnesses.length >= 2"));
        Assert.False(scope.IsTrue("data.requestedAmount > params.maxAmount"));
    }

    [Fact]
    public void A_condition_must_be_a_boolean() =>
        Assert.Throws<ExpressionFailedException>(() => Scope().IsTrue("data.requestedAmount"));

    [Theory]
    [InlineData("0.1 + 0.2", "0.30")]            // binary floating point fixed to the fen once
    [InlineData("1000 / 3", "333.33")]
    [InlineData("2 * 411.5", "823.00")]
    [InlineData("0.125", "0.13")]                // half away from zero
    [InlineData("data.amount ?? data.requestedAmount", "800")]
    public void Amounts_are_rounded_to_the_fen(string expression, string expected) =>
        Assert.Equal(decimal.Parse(expected), Scope().Money(expression));

    [Theory]
    [InlineData("-1")]
    [InlineData("1 / 0")]
    [InlineData("'800'")]
    [InlineData("NaN")]
    public void Nonsense_amounts_are_refused(string expression) =>
        Assert.Throws<ExpressionFailedException>(() => Scope().Money(expression));

    [Fact]
    public void Syntax_is_checked_without_running()
    {
        Assert.Null(Expressions.SyntaxProblem("a.b > 1"));
        Assert.NotNull(Expressions.SyntaxProblem("a.b >"));
        Assert.NotNull(Expressions.SyntaxProblem("1; 2"));
    }
}
