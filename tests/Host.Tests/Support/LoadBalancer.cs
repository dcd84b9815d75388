using System.Diagnostics;

namespace Workflows.Host.Tests.Support;

/// <summary>
/// haproxy (Debian's) in front of a test's hosts, as a province would run them: round robin, a host taken out after two
/// failed checks of <c>/health/ready</c> half a second apart, and a request whose connection to a host failed sent to
/// another (the request had not reached it). A request a host received and then died on is not retried here: that is
/// the client's to retry, with its Idempotency-Key. WebSockets pass through.
/// </summary>
public sealed class LoadBalancer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    public Uri Address { get; }

    private LoadBalancer(Process process, string directory, Uri address)
    {
        (_process, _directory, Address) = (process, directory, address);
    }

    public static async Task<LoadBalancer> StartAsync(IEnumerable<Uri> hosts)
    {
        var port = FreePort.Next();
        var directory = Directory.CreateTempSubdirectory("haproxy-").FullName;
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $$"""
            global
              maxconn 2000
            defaults
              mode http
              timeout connect 2s
              timeout client 120s
              timeout server 120s
              timeout tunnel 1h
              retries 3
              option redispatch
              retry-on conn-failure
            frontend service
              bind 127.0.0.1:{{port}}
              default_backend hosts
            backend hosts
              balance roundrobin
              option httpchk GET /health/ready
              http-check expect status 200
            {{string.Join("\n", hosts.Select((h, i) => $"  server host{i + 1} {h.Host}:{h.Port} check inter 500ms fall 2 rise 2"))}}

            """);
        var process = Process.Start(new ProcessStartInfo("haproxy", $"-db -f {config}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var balancer = new LoadBalancer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = balancer.Address };
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (process.HasExited) throw new InvalidOperationException($"haproxy exited with {process.ExitCode}");
            try { if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return balancer; }
            catch (HttpRequestException) { }
        }
        balancer.Dispose();
        throw new TimeoutException("haproxy did not pass a request to a host within 20 s.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
