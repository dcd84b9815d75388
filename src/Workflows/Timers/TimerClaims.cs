namespace Workflows.Timers;

/// <summary>
/// How due timers are shared out (<see cref="TimerRunner"/>): a worker claims up to <see cref="BatchSize"/> at once and
/// holds them for <see cref="Lease"/>. The lease bounds how late the timers of a host that died are taken over by
/// another; it must be longer than a batch takes to fire, or a slow batch's tail is claimed twice (and fired once: of two
/// saves from the same case version, the database keeps one).
/// </summary>
public sealed record TimerClaims(int BatchSize, TimeSpan Lease)
{
    public int BatchSize { get; } = BatchSize is >= 1 and <= 10_000 ? BatchSize : throw new ArgumentOutOfRangeException(nameof(BatchSize));
    public TimeSpan Lease { get; } = Lease > TimeSpan.Zero ? Lease : throw new ArgumentOutOfRangeException(nameof(Lease));
}
