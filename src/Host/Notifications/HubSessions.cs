using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Auth;
using Workflows.Persistence;

namespace Workflows.Host.Notifications;

/// <summary>
/// The hub connections open on this host, with the stamp of the token each was opened with. A connection outlives the
/// request that opened it, so a user changed or disabled afterwards would keep receiving pushes for tasks they may no
/// longer see: such connections are closed — at once on the host that made the change, and within
/// <c>Auth:StampCheckSeconds</c> on every other host, each checking its own connections against the shared database.
/// The client reconnects with a new token and joins the groups of what the user now is.
/// </summary>
public sealed class HubSessions
{
    private sealed record Session(string Username, int Stamp, HubCallerContext Context);

    private readonly ConcurrentDictionary<string, Session> _open = new();

    public void Opened(HubCallerContext context)
    {
        var user = context.User!;
        _open[context.ConnectionId] = new Session(user.Identity!.Name!, Tokens.StampOf(user), context);
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Closes this host's connections of the user (after a change made here).</summary>
    public void End(string username)
    {
        foreach (var session in _open.Values.Where(s => s.Username == username)) session.Context.Abort();
    }

    /// <summary>Closes every connection whose user is gone, disabled, or no longer has the connection's stamp.</summary>
    public async Task EndStaleAsync(WorkflowDb db, CancellationToken ct)
    {
        var sessions = _open.Values.ToList();
        if (sessions.Count == 0) return;
        var names = sessions.Select(s => s.Username).Distinct().ToList();
        var current = await db.Users.AsNoTracking().Where(u => names.Contains(u.Username))
            .ToDictionaryAsync(u => u.Username, u => new TokenStamps.UserState(u.Stamp, u.Disabled), ct);
        foreach (var session in sessions.Where(s => current.GetValueOrDefault(s.Username)?.Admits(s.Stamp) != true))
            session.Context.Abort();
    }
}

/// <summary>Runs <see cref="HubSessions.EndStaleAsync"/> every <c>Auth:StampCheckSeconds</c> (5).</summary>
public sealed class StaleHubSessions(HubSessions sessions, Func<WorkflowDb> openDb, IConfiguration configuration,
    ILogger<StaleHubSessions> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue("Auth:StampCheckSeconds", 5.0));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = openDb();
                await sessions.EndStaleAsync(db, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Checking hub connections against their users failed; trying again in {Seconds} s", every.TotalSeconds);
            }
        }
    }
}
