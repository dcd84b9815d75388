using System.Text.RegularExpressions;

namespace Workflows.Timers;

/// <summary>
/// What happens to a timer whose command fails for a reason other than a concurrent change (a bug in a rule, a
/// database that refused a write): it is tried again after a doubling pause, and after <see cref="MaxAttempts"/>
/// failures parked as <see cref="TimerStatus.Failed"/>, so that one household's case is never silently stopped and a
/// broken timer does not hold the others up.
/// </summary>
public sealed partial class TimerRetries(TimeSpan firstPause, int maxAttempts)
{
    public static readonly TimeSpan LongestPause = TimeSpan.FromHours(1);

    public TimeSpan FirstPause { get; } = firstPause > TimeSpan.Zero ? firstPause : throw new ArgumentOutOfRangeException(nameof(firstPause));
    public int MaxAttempts { get; } = maxAttempts >= 1 ? maxAttempts : throw new ArgumentOutOfRangeException(nameof(maxAttempts));

    /// <summary>The pause after the <paramref name="attempt"/>-th failure (1-based): the first pause, doubled each time,
    /// at most an hour.</summary>
    public TimeSpan PauseAfter(int attempt) =>
        TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks * (1L << Math.Min(attempt - 1, 30))));

    /// <summary>Records a failed attempt on the timer: pending again after the pause, or parked after the last.</summary>
    public void Failed(TimerRecord timer, Exception error, DateTime now)
    {
        timer.Attempts++;
        timer.LastError = Describe(error);
        if (timer.Attempts >= MaxAttempts)
        {
            timer.Status = TimerStatus.Failed;
            timer.RetryAt = null;
        }
        else timer.RetryAt = now + PauseAfter(timer.Attempts);
    }

    /// <summary>The error as an operator reads it, without personal data: an exception's message may quote a value, and
    /// 10 or more digits in a row may be an ID number (15 or 18) or a bank account (10–30).</summary>
    public static string Describe(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}";
        if (error.InnerException is { } inner) text += $" ← {inner.GetType().Name}: {inner.Message}";
        text = LongDigits().Replace(text, m => m.Value[..4] + new string('*', m.Length - 8) + m.Value[^4..]);
        return text.Length <= 2000 ? text : text[..2000];
    }

    [GeneratedRegex(@"\d{10,}[\dXx]?")]
    private static partial Regex LongDigits();
}
