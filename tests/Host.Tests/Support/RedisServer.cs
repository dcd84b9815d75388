using System.Diagnostics;
using System.Net.Sockets;

namespace Workflows.Host.Tests.Support;

/// <summary>A throw-away redis-server on a free loopback port, without persistence: the SignalR backplane of a test's
/// hosts.</summary>
public sealed class RedisServer : IDisposable
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
        var port = FreePort.Next();
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
