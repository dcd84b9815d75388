using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>Two hosts behind a load balancer (DESIGN.md, Scale-out): an official connected to one is told of a
/// task created through the other, over the Redis backplane (SignalR:Redis).</summary>
public sealed class RedisBackplaneTests(PostgresFixture postgres) : PostgresTest(postgres)
{

    [Fact]
    public async Task An_event_sent_by_one_host_reaches_a_client_of_the_other()
    {
        using var redis = RedisServer.Start();
        var database = await NewDatabaseAsync();
        // Host A only serves connections; host B takes the commands and sends every event.
        var a = StartOn(database, settings: new() { ["SignalR:Redis"] = redis.Endpoint, ["Outbox:Dispatch"] = "false" }, kestrel: true);
        var b = StartOn(database, settings: new() { ["SignalR:Redis"] = redis.Endpoint }, kestrel: true);
        await Seed.RunAsync(b);

        await using var township = await TaskListener.ConnectAsync(a.Address!, Seed.TownshipOfficer);
        var caseworker = await b.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });

        await township.WaitForAsync(e => e is { Type: "taskAssigned", Step: "township-review" });
    }

    private sealed class RedisServer : IDisposable
    {
        private readonly Process _process;
        public string Endpoint { get; }

        private RedisServer(Process process, int port)
        {
            _process = process;
            Endpoint = $"127.0.0.1:{port}";
        }

        public static RedisServer Start()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var process = Process.Start(new ProcessStartInfo("redis-server",
                $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no") { RedirectStandardOutput = true })!;
            for (var i = 0; i < 100; i++)
            {
                try { using var probe = new TcpClient("127.0.0.1", port); return new RedisServer(process, port); }
                catch (SocketException) { Thread.Sleep(50); }
            }
            process.Kill();
            throw new InvalidOperationException("redis-server did not start");
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }
}
