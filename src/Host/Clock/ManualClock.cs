namespace Workflows.Host.Clock;

/// <summary>The service clock under test control (Clock:Mode=Manual): it moves only when told, and only forward.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    private readonly Lock _lock = new();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    /// <summary>Moves the clock; false when <paramref name="to"/> is earlier than now.</summary>
    public bool TryMoveTo(DateTimeOffset to)
    {
        lock (_lock)
        {
            if (to < _now) return false;
            _now = to.ToUniversalTime();
            return true;
        }
    }
}
