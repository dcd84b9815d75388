using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Calendar;
using Workflows.Regions;

namespace Workflows.Tasks;

/// <summary>
/// Who sees a task: a user with its role, in whose region it lies. A task filed above its own level
/// (a village check for a case filed at the township) is open to the users of that level beneath it.
/// One rule, used by the inbox query and by every action on a task.
/// </summary>
public static class TaskAccess
{
    public static bool CanSee(Actor actor, TaskRecord task) =>
        actor.Has(task.Role)
        && (task.RegionCode.StartsWith(actor.RegionCode, StringComparison.Ordinal)
            || (actor.RegionCode.StartsWith(task.RegionCode, StringComparison.Ordinal)
                && task.Level == RegionCode.NameOf(RegionCode.LevelOf(actor.RegionCode))));

    /// <summary>The push groups a user joins: the same rule as <see cref="CanSee"/>, in group names.</summary>
    public static IEnumerable<string> GroupsOf(Actor actor)
    {
        var level = RegionCode.NameOf(RegionCode.LevelOf(actor.RegionCode));
        foreach (var role in actor.Roles)
        {
            yield return $"in:{actor.RegionCode}:{role}";
            foreach (var above in RegionCode.SelfAndAncestors(actor.RegionCode).Skip(1))
                yield return $"below:{above}:{level}:{role}";
        }
    }

    /// <summary>The groups whose members <see cref="CanSee"/> a task with this region, level and role.</summary>
    public static IEnumerable<string> AudienceOf(string regionCode, string level, string role) =>
        RegionCode.SelfAndAncestors(regionCode).Select(r => $"in:{r}:{role}")
            .Append($"below:{regionCode}:{level}:{role}");

    public static IQueryable<TaskRecord> VisibleTo(this IQueryable<TaskRecord> tasks, Actor actor)
    {
        var roles = actor.Roles.ToList();
        var region = actor.RegionCode;
        var above = RegionCode.SelfAndAncestors(region).Skip(1).ToList();
        var level = RegionCode.NameOf(RegionCode.LevelOf(region));
        return tasks.Where(t => roles.Contains(t.Role)
            && (t.RegionCode.StartsWith(region) || (above.Contains(t.RegionCode) && t.Level == level)));
    }
}

/// <summary>A task as the inbox and the push channel show it (API.md, Tasks).</summary>
public sealed record TaskView(
    Guid Id, Guid CaseId, string Procedure, string Step, string Name, string Role, string Level, string RegionCode,
    DateTime CreatedAt, DateTime? DueAt, bool DueAtProvisional, bool Overdue, string? ClaimedBy, string[] Outcomes, string Status,
    bool Escalated, int? WorkingDaysLeft, TaskApplicant? Applicant = null)
{
    /// <summary>The task; with its case's applicant when the case is at hand (two rows of one step then read apart).</summary>
    public static TaskView Of(TaskRecord t, DateTime now, WorkingDayCalendar calendar, Cases.CaseRecord? ofCase = null) => new(
        t.Id, t.CaseId, t.Procedure, t.Step, t.Name, t.Role, t.Level, t.RegionCode, t.CreatedAt, t.DueAt, t.DueAtProvisional,
        t.IsOverdue(now), t.ClaimedBy, t.OutcomeList, t.Status, t.Escalated, DaysLeft(t, now, calendar),
        ofCase is null ? null : TaskApplicant.Of(ofCase.ApplicantName, ofCase.ApplicantIdNumber));

    /// <summary>Working days after today up to the deadline day (0: due today); null when overdue or without a
    /// deadline. Past the calendar's years they are counted Monday–Friday, as the provisional deadline was.</summary>
    private static int? DaysLeft(TaskRecord t, DateTime now, WorkingDayCalendar calendar)
    {
        if (t.DueAt is not { } due || due < now) return null;
        var today = WorkingDayCalendar.ChinaDate(now);
        var lastDay = WorkingDayCalendar.ChinaDate(due.AddTicks(-1));
        return calendar.WorkingDaysBetween(today, lastDay);
    }
}

/// <summary>Whose case a task is: the applicant's name and masked ID number (first 6 and last 4), never the full number.</summary>
public sealed record TaskApplicant(string Name, string IdNumber)
{
    public static TaskApplicant Of(string name, string idNumber) => new(name, Applicants.IdNumber.Mask(idNumber));
}

/// <summary>A task read with its applicant (name, and ID number opened by the column's converter).</summary>
public sealed record TaskWithApplicant(TaskRecord Task, string Name, string IdNumber)
{
    public TaskView View(DateTime now, WorkingDayCalendar calendar) =>
        TaskView.Of(Task, now, calendar) with { Applicant = TaskApplicant.Of(Name, IdNumber) };
}

public static class TaskApplicants
{
    /// <summary>The page of <paramref name="tasks"/> (already ordered, skipped and taken) with their applicants, in the
    /// page's order: a join over a limited subquery need not keep it, so the order is put back here.</summary>
    public static async Task<List<TaskWithApplicant>> WithApplicantsAsync(this IQueryable<TaskRecord> tasks, Persistence.WorkflowDb db,
        CancellationToken ct = default)
    {
        var rows = await tasks.Join(db.Cases, t => t.CaseId, c => c.Id, (t, c) => new TaskWithApplicant(t, c.ApplicantName, c.ApplicantIdNumber))
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Task.DueAt == null).ThenBy(r => r.Task.DueAt).ThenBy(r => r.Task.CreatedAt)];
    }
}
