using Workflows.Calendar;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>When a step's time runs out: the one computation used when a task or wait is set, and again when the
/// calendar's data for a year arrives.</summary>
internal static class DueDates
{
    /// <summary>A task's deadline, counted from when it was created.</summary>
    public static (DateTime At, bool Provisional) OfTask(WorkingDayCalendar calendar, StepDefinition step, DateTime createdAt) =>
        calendar.DueAt(createdAt, step.Deadline!.WorkingDays);

    /// <summary>The end of a timer or notice step's wait, counted from when the case entered it: working days, or the
    /// end of the month before the one <paramref name="months"/> months on for a monthly step (the step's <c>months</c>,
    /// evaluated by the case). A monthly wait is never provisional, so only working-day waits are computed again when a
    /// year's data arrives.</summary>
    public static (DateTime At, bool Provisional) OfWait(WorkingDayCalendar calendar, StepDefinition step, DateTime since, int months = 1) =>
        step.Period == "monthly" ? (OfMonths(since, months), false) : calendar.DueAt(since, step.WorkingDays!.Value);

    /// <summary>The end of the day before the first of the month <paramref name="months"/> months after the one of
    /// <paramref name="since"/> (China time): 1 waits for the next month, 6 for the same month half a year on.</summary>
    private static DateTime OfMonths(DateTime since, int months)
    {
        var today = WorkingDayCalendar.ChinaDate(since);
        return WorkingDayCalendar.EndOfDayUtc(new DateOnly(today.Year, today.Month, 1).AddMonths(months).AddDays(-1));
    }
}
