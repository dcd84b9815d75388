using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Workflows.Calendar;
using Workflows.Host.Auth;
using Workflows.Persistence;
using Workflows.Tasks;

namespace Workflows.Host.Notifications;

/// <summary>
/// /hubs/tasks (API.md, Real time). A connection joins the groups of its user's roles and region, so it
/// receives taskAssigned, taskUpdated, taskRemoved and taskOverdue for exactly the tasks GET /api/tasks
/// shows that user. A client that reconnects calls <see cref="Inbox"/> to resynchronise.
/// </summary>
[Authorize]
public sealed class TaskHub(Func<WorkflowDb> openDb, TimeProvider clock, WorkingDayCalendar calendar, HubSessions sessions) : Hub
{
    public const string Path = "/hubs/tasks";

    public override async Task OnConnectedAsync()
    {
        foreach (var group in TaskAccess.GroupsOf(Context.User!.Actor()))
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        sessions.Opened(Context);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The caller's open tasks, as GET /api/tasks lists them (soonest deadline first, at most 500).</summary>
    public async Task<IReadOnlyList<TaskView>> Inbox()
    {
        await using var db = openDb();
        var now = clock.GetUtcNow().UtcDateTime;
        var tasks = await db.Tasks.AsNoTracking().VisibleTo(Context.User!.Actor())
            .Where(t => t.Status == Workflows.Tasks.TaskStatus.Open)
            .OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt)
            .Take(500).WithApplicantsAsync(db);
        return tasks.Select(t => t.View(now, calendar)).ToList();
    }
}
