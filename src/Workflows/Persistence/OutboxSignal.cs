namespace Workflows.Persistence;

/// <summary>Wakes the outbox dispatcher of this process as soon as a command has committed, so a task reaches
/// officials' screens at once rather than at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);
    private int _signalled;

    /// <summary>Many commits before the dispatcher wakes make one wake-up: its next read sees them all.</summary>
    public void Notify()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0) _pending.Release();
    }

    /// <summary>True when signalled, false when the timeout passed first. Re-armed before the caller reads the
    /// outbox, so a commit after this returns signals again.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        var signalled = await _pending.WaitAsync(timeout, ct);
        Interlocked.Exchange(ref _signalled, 0);
        return signalled;
    }
}
