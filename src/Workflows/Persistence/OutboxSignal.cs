namespace Workflows.Persistence;

/// <summary>Wakes the outbox dispatcher of this process as soon as a command has committed, so a task reaches
/// officials' screens at once rather than at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try { _pending.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    /// <summary>True when signalled, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);
}
