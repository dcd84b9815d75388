using Workflows.Runtime;
using Workflows.Timers;

namespace Workflows.Host.Clock;

/// <summary>/api/test/clock: only mapped when Clock:Mode=Manual (API.md, Test clock).</summary>
public static class TestClockEndpoints
{
    public sealed record ClockBody(DateTimeOffset? Now);
    public sealed record ClockView(DateTimeOffset Now, int TimersFired = 0);

    public static void MapTestClock(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/test/clock").WithTags("Test clock").AllowAnonymous();
        group.MapGet("", (ManualClock clock) => TypedResults.Ok(new ClockView(clock.GetUtcNow())));
        group.MapPost("", async (ClockBody body, ManualClock clock, TimerRunner timers, Workflows.Complaints.ComplaintDesk complaints,
            CancellationToken ct) =>
        {
            if (body.Now is not { } to) throw new InvalidInput("now", "必填，ISO-8601 时间 (required, an ISO-8601 instant)");
            if (!clock.TryMoveTo(to))
                throw new ConflictProblem($"The clock cannot move backwards (now {clock.GetUtcNow():O}, asked {to:O}).");
            var fired = await timers.FireDueAsync(ct);
            await complaints.EscalateOverdueAsync(ct);
            return TypedResults.Ok(new ClockView(clock.GetUtcNow(), fired));
        });
    }
}
