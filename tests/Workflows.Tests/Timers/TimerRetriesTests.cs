using Workflows.Timers;

namespace Workflows.Tests.Timers;

public class TimerRetriesTests
{
    private static readonly TimerRetries Retries = new(TimeSpan.FromSeconds(30), maxAttempts: 5);
    private static readonly DateTime Now = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(8, 3600)]   // 30 s × 128 would be 64 minutes: an hour at most
    [InlineData(200, 3600)] // no overflow however many attempts
    public void The_pause_doubles_up_to_an_hour(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Retries.PauseAfter(attempt));

    [Fact]
    public void A_timer_is_tried_again_until_its_last_attempt_and_then_parked()
    {
        var timer = new TimerRecord { Status = TimerStatus.Pending };
        for (var attempt = 1; attempt < 5; attempt++)
        {
            Retries.Failed(timer, new InvalidOperationException("boom"), Now);
            Assert.Equal((TimerStatus.Pending, attempt), (timer.Status, timer.Attempts));
            Assert.Equal(Now + Retries.PauseAfter(attempt), timer.RetryAt);
        }
        Retries.Failed(timer, new InvalidOperationException("boom"), Now);
        Assert.Equal((TimerStatus.Failed, 5, (DateTime?)null), (timer.Status, timer.Attempts, timer.RetryAt));
        Assert.Equal("InvalidOperationException: boom", timer.LastError);
    }

    [Fact]
    public void An_error_keeps_no_ID_number_or_bank_account_in_clear()
    {
        var text = TimerRetries.Describe(new Exception("duplicate key (subject)=(11010519491231002X) account 6222020200112233445, 621700001111"));
        Assert.DoesNotContain("11010519491231002X", text);
        Assert.DoesNotContain("6222020200112233445", text);
        Assert.Contains("1101**********002X", text);
        Assert.DoesNotContain("621700001111", text);
    }
}
