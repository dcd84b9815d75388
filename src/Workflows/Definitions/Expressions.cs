using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Json;

namespace Workflows.Definitions;

/// <summary>A definition's condition or amount failed to run (a timeout, a limit, a type error).</summary>
public sealed class ExpressionFailedException(string expression, string reason, Exception? inner = null)
    : Exception($"Expression `{expression}` failed: {reason}", inner)
{
    public string Expression { get; } = expression;
    public string Reason { get; } = reason;
}

/// <summary>
/// Conditions and amounts are single JavaScript expressions run by Jint in a sandbox: no CLR access,
/// strict mode, and limits on time, statements, recursion and memory, so a careless or hostile definition
/// cannot stall a command. Scripts are parsed once and shared; engines are per evaluation scope.
/// </summary>
public static class Expressions
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(200);
    public const int StatementLimit = 10_000;
    public const int RecursionLimit = 32;
    public const long MemoryLimitBytes = 8 * 1024 * 1024;
    /// <summary>A regular expression's own bound: .NET's default is 10 s, far past the expression's time limit, since a
    /// backtracking match runs inside one statement where the time limit is not checked.</summary>
    public static readonly TimeSpan RegexTimeLimit = TimeSpan.FromMilliseconds(100);
    /// <summary>Parsed scripts kept at most: every published definition's expressions fit many times over, while texts sent
    /// only to be validated cannot grow the cache without end.</summary>
    public const int CacheLimit = 20_000;

    private static readonly ConcurrentDictionary<string, Prepared<Acornima.Ast.Script>> Cache = new();

    /// <summary>Null when the text is one well-formed expression, else the parser's complaint.</summary>
    public static string? SyntaxProblem(string source)
    {
        if (string.IsNullOrWhiteSpace(source)) return "expression is empty";
        try { Prepare(source); return null; }
        catch (Exception e) { return e.Message; }
    }

    public static Prepared<Acornima.Ast.Script> Prepare(string source)
    {
        if (Cache.TryGetValue(source, out var prepared)) return prepared;
        prepared = Engine.PrepareScript("(" + source + "\n)", strict: true);
        // Full: start again rather than track use; the expressions in use are parsed again once, in microseconds each.
        if (Cache.Count >= CacheLimit) Cache.Clear();
        return Cache.GetOrAdd(source, prepared);
    }

    public static int CachedCount => Cache.Count;

    public static Engine NewEngine() => new(options => options
        .Strict()
        .TimeoutInterval(TimeLimit)
        .RegexTimeoutInterval(RegexTimeLimit)
        .MaxStatements(StatementLimit)
        .LimitRecursion(RecursionLimit)
        .LimitMemory(MemoryLimitBytes));
}

/// <summary>The names an expression sees (data, applicant, household, params, input, decision), bound once.</summary>
public sealed class ExpressionScope
{
    private readonly Engine _engine = Expressions.NewEngine();

    public ExpressionScope(JsonObject variables)
    {
        var parser = new JsonParser(_engine);
        foreach (var (name, value) in variables)
            _engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
    }

    public JsValue Evaluate(string expression)
    {
        try { return _engine.Evaluate(Expressions.Prepare(expression)); }
        catch (Exception e) when (e is not ExpressionFailedException)
        {
            throw new ExpressionFailedException(expression, e.Message, e);
        }
    }

    /// <summary>The expression's value as JSON, for writing into case data.</summary>
    public JsonNode? Json(string expression)
    {
        var text = Evaluate($"JSON.stringify({expression})");
        return text.IsString() ? JsonNode.Parse(text.AsString()) : null;
    }

    public bool IsTrue(string expression)
    {
        var value = Evaluate(expression);
        return value.IsBoolean() ? value.AsBoolean()
            : throw new ExpressionFailedException(expression, $"a condition must be true or false, got {value}");
    }

    /// <summary>An amount in yuan, rounded half-up to the fen; never negative, never infinite.</summary>
    public decimal Money(string expression)
    {
        var value = Evaluate(expression);
        if (!value.IsNumber())
            throw new ExpressionFailedException(expression, $"an amount must be a number, got {value}");
        var number = value.AsNumber();
        if (double.IsNaN(number) || double.IsInfinity(number) || number < 0 || number > 1e12)
            throw new ExpressionFailedException(expression, $"an amount must be a finite non-negative number, got {number}");
        // JavaScript numbers are binary; the amount is fixed to the fen here, once, and decimal from then on.
        return Math.Round((decimal)number, 2, MidpointRounding.AwayFromZero);
    }
}
