using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Workflows.Host.Tests.Support;

/// <summary>One official's live connection to /hubs/tasks, recording every event it receives.</summary>
public sealed class TaskListener : IAsyncDisposable
{
    public sealed record Event(string Type, string TaskId, string? Step);

    private readonly HubConnection _connection;
    public ConcurrentQueue<Event> Events { get; } = new();
    public string Username { get; }

    private TaskListener(string username, HubConnection connection)
    {
        Username = username;
        _connection = connection;
        foreach (var type in new[] { "taskAssigned", "taskUpdated", "taskOverdue" })
            connection.On<JsonObject>(type, task =>
                Events.Enqueue(new Event(type, task["id"]!.GetValue<string>(), task["step"]!.GetValue<string>())));
        connection.On<Guid>("taskRemoved", id => Events.Enqueue(new Event("taskRemoved", id.ToString(), null)));
        connection.Closed += _ => { _closed.TrySetResult(); return Task.CompletedTask; };
    }

    public static async Task<TaskListener> ConnectAsync(Uri server, string username, string password = Seed.Password)
    {
        using var http = new HttpClient { BaseAddress = server };
        var token = (await (await http.PostAsJsonAsync("/api/auth/token", new { username, password })).Content
            .ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/tasks"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var listener = new TaskListener(username, connection);
        await connection.StartAsync();
        return listener;
    }

    /// <summary>Completes when the server closes the connection.</summary>
    public Task Closed => _closed.Task;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IReadOnlyList<JsonObject>> InboxAsync() => _connection.InvokeAsync<IReadOnlyList<JsonObject>>("Inbox");

    /// <summary>Waits until an event matching <paramref name="match"/> has arrived (10 s at most).</summary>
    public async Task<Event> WaitForAsync(Func<Event, bool> match)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
            if (Events.FirstOrDefault(match) is { } found) return found;
        throw new TimeoutException($"{Username} received no matching event; got: {string.Join(", ", Events)}");
    }

    /// <summary>Open tasks as the events describe them: assigned and not removed since.</summary>
    public IReadOnlySet<string> TasksShown()
    {
        var shown = new HashSet<string>();
        foreach (var e in Events)
            if (e.Type == "taskAssigned") shown.Add(e.TaskId);
            else if (e.Type == "taskRemoved") shown.Remove(e.TaskId);
        return shown;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
