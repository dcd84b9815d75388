using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests;

/// <summary>OpenTelemetry over OTLP when a collector is configured (issue 17): a real exporter sends to a collector stand-in
/// that keeps what it receives; the service's own spans, ASP.NET Core's and Npgsql's arrive, and so do metrics.</summary>
public sealed class TelemetryTests(PostgresFixture postgres) : PostgresTest(postgres)
{
    /// <summary>Receives OTLP/HTTP posts and keeps their bodies by signal.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentDictionary<string, ConcurrentBag<byte[]>> Received { get; } = new();
        public Uri Address { get; }

        private Collector(WebApplication app, Uri address) => (_app, Address) = (app, address);

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            Collector? collector = null;
            app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector!.Received.GetOrAdd(signal, _ => []).Add(body.ToArray());
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            collector = new Collector(app, new Uri(address));
            return collector;
        }

        public bool Holds(string signal, string text) =>
            Received.TryGetValue(signal, out var bodies) && bodies.Any(b => Encoding.UTF8.GetString(b).Contains(text, StringComparison.Ordinal));

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task With_a_collector_configured_traces_and_metrics_of_a_command_reach_it()
    {
        await using var collector = await StartCollectorAsync();
        var host = StartOn(await NewDatabaseAsync(), settings: new()
        {
            ["OpenTelemetry:Endpoint"] = collector.Address.ToString(), ["OpenTelemetry:MetricIntervalSeconds"] = "1",
        });
        await Seed.RunAsync(host);
        var caseworker = await host.LoginAsync(Seed.Caseworker);
        var created = await caseworker.PostOk("/api/cases", Seed.MigrantWorkerApplication(), HttpStatusCode.Created);
        await caseworker.PostOk($"/api/tasks/{created["openTasks"]![0]!["id"]}/complete", new { outcome = "confirm" });

        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(250))
            if (collector.Holds("traces", "case command save") && collector.Holds("traces", "/complete")
                && collector.Holds("traces", "postgresql") && collector.Holds("metrics", "http.server.request.duration"))
                return;
        Assert.Fail($"the collector received: {string.Join(", ", collector.Received.Select(r => $"{r.Key} × {r.Value.Count}"))}; " +
                    $"save {collector.Holds("traces", "case command save")}, complete {collector.Holds("traces", "/complete")}, " +
                    $"npgsql {collector.Holds("traces", "postgresql")}, requests {collector.Holds("metrics", "http.server.request.duration")}");
    }

    private static Task<Collector> StartCollectorAsync() => Collector.StartAsync();
}
