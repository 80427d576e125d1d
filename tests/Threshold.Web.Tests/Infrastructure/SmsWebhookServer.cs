using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// A stand-in SMS provider: a real HTTP server (Kestrel on 127.0.0.1, a port the OS picks) that
/// records every request and answers with <see cref="Status"/>.
/// </summary>
public sealed class SmsWebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private int _status = 200;

    public sealed record Received(string Method, string Path, string? Authorization, string? ContentType, string Body, int AnsweredWith)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private SmsWebhookServer(WebApplication app) => _app = app;

    /// <summary>What the server answers from now on.</summary>
    public int Status { get => Volatile.Read(ref _status); set => Volatile.Write(ref _status, value); }

    public IReadOnlyList<Received> Requests => [.. _received];

    public Uri Url { get; private set; } = null!;

    public static async Task<SmsWebhookServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new SmsWebhookServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var status = server.Status;
            server._received.Enqueue(new(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
                context.Request.ContentType, body, status));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "{\"id\":\"accepted\"}" : "{\"error\":\"unavailable\"}", context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(new Uri(address), "/sms/send");
        return server;
    }

    /// <summary>Polls (bounded, without touching any app clock) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}");
            await Task.Delay(100, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
