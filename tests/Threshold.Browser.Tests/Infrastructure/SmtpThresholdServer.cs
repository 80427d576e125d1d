using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>
/// The app on its own Kestrel port with mail going out through a real SMTP server: the smtp4dev that
/// scripts/test.sh starts (THRESHOLD_TEST_SMTP_HOST / _PORT / _API; the fixture fails, never skips,
/// when they are missing). Its clock is the real one plus an offset a test can move forward, so links
/// can expire without waiting. A class fixture: one per test class that asks for it.
/// </summary>
public sealed class SmtpThresholdServer : ThresholdServer
{
    public SmtpThresholdServer() => Mail = Smtp4DevMailbox.FromEnvironment();

    public Smtp4DevMailbox Mail { get; }

    public ShiftableClock Clock { get; } = new();

    protected override void ConfigureServer(IWebHostBuilder builder)
    {
        builder.UseSetting("Mail:Smtp:Host", Mail.Host);
        builder.UseSetting("Mail:Smtp:Port", Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Mail.Dispose();
    }
}

/// <summary>Real time plus an offset that only grows: timers and delays keep working, expiry can be reached at once.</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>smtp4dev's HTTP API: the messages that arrived over SMTP.</summary>
public sealed class Smtp4DevMailbox(string host, int port, Uri api) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };

    public string Host { get; } = host;
    public int Port { get; } = port;

    public static Smtp4DevMailbox FromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_HOST");
        var port = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_PORT");
        var api = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_API");
        if (string.IsNullOrWhiteSpace(host) || !int.TryParse(port, out var p) || !Uri.TryCreate(api, UriKind.Absolute, out _))
            throw new InvalidOperationException(
                "THRESHOLD_TEST_SMTP_HOST, THRESHOLD_TEST_SMTP_PORT and THRESHOLD_TEST_SMTP_API are not set, so the browser journeys that read " +
                "mail through a real SMTP server cannot run: run the tests with scripts/test.sh, which starts smtp4dev and sets them.");
        return new Smtp4DevMailbox(host!, p, new Uri(api!.TrimEnd('/') + "/"));
    }

    public sealed record Message(string Id, string Subject, DateTimeOffset Received, string PlainText);

    /// <summary>Polls (bounded) until at least <paramref name="count"/> messages to <paramref name="recipient"/> whose subject contains
    /// <paramref name="subject"/> have arrived; returns them oldest first.</summary>
    public async Task<IReadOnlyList<Message>> WaitForAsync(string recipient, string subject, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            using var list = await _http.GetFromJsonAsync<JsonDocument>("api/messages?pageSize=500");
            var results = list!.RootElement.ValueKind == JsonValueKind.Array ? list.RootElement : list.RootElement.GetProperty("results");
            var matching = results.EnumerateArray()
                .Where(m => m.GetProperty("to").EnumerateArray().Any(t => (t.GetString() ?? "").Contains(recipient, StringComparison.OrdinalIgnoreCase)))
                .Where(m => (m.GetProperty("subject").GetString() ?? "").Contains(subject, StringComparison.Ordinal))
                .ToList();
            if (matching.Count >= count)
            {
                var messages = new List<Message>();
                foreach (var m in matching)
                {
                    var id = m.GetProperty("id").GetString()!;
                    messages.Add(new(id, m.GetProperty("subject").GetString()!, m.GetProperty("receivedDate").GetDateTimeOffset(),
                        await _http.GetStringAsync($"api/messages/{id}/plaintext")));
                }
                return [.. messages.OrderBy(m => m.Received)];
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Only {matching.Count} of {count} message(s) to {recipient} with \"{subject}\" arrived at smtp4dev ({_http.BaseAddress}) in time");
            await Task.Delay(200);
        }
    }

    public void Dispose() => _http.Dispose();
}
