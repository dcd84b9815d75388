namespace Workflows.Runtime;

/// <summary>A request the rules refuse; the API turns each kind into its status code and a problem document.</summary>
public abstract class WorkflowProblem(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}

/// <summary>422: the fields named, each with what is wrong.</summary>
public sealed class InvalidInput(IReadOnlyDictionary<string, string[]> errors)
    : WorkflowProblem("The request is invalid", string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public InvalidInput(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }
}

/// <summary>404: unknown, or outside the caller's jurisdiction (its existence must not leak).</summary>
public sealed class NotFoundProblem(string what) : WorkflowProblem("Not found", what);

/// <summary>409: already done, held by someone else, a duplicate, or changed concurrently.</summary>
public sealed class ConflictProblem(string detail, bool concurrent = false) : WorkflowProblem("Conflict", detail)
{
    /// <summary>Another command changed the same rows meanwhile: the same command may succeed if tried again.</summary>
    public bool Concurrent { get; } = concurrent;
}

/// <summary>403: the caller lacks the role or the region.</summary>
public sealed class ForbiddenProblem(string detail) : WorkflowProblem("Forbidden", detail);

/// <summary>Collects field errors and throws them together, so an applicant hears of everything missing at once
/// (一次性告知).</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new();
    public void Add(string field, string message) =>
        (_errors.TryGetValue(field, out var list) ? list : _errors[field] = new()).Add(message);
    public bool Any => _errors.Count > 0;
    /// <summary>How many fields have errors: a reader of a nested part compares it before and after.</summary>
    public int Count => _errors.Count;
    public InvalidInput ToProblem() => new(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    public void ThrowIfAny()
    {
        if (Any) throw ToProblem();
    }
}
