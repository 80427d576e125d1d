using System.Net.Http.Json;
using System.Text.Json;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>The smtp4dev server scripts/test.sh starts, and its HTTP API.</summary>
public sealed class Smtp4Dev(string host, int port, Uri api) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };

    public string Host { get; } = host;
    public int Port { get; } = port;

    /// <summary>From THRESHOLD_TEST_SMTP_HOST / _PORT / _API; fails (never skips) when they are missing.</summary>
    public static Smtp4Dev FromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_HOST");
        var port = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_PORT");
        var api = Environment.GetEnvironmentVariable("THRESHOLD_TEST_SMTP_API");
        if (string.IsNullOrWhiteSpace(host) || !int.TryParse(port, out var p) || !Uri.TryCreate(api, UriKind.Absolute, out _))
            throw new Xunit.Sdk.XunitException("THRESHOLD_TEST_SMTP_HOST, THRESHOLD_TEST_SMTP_PORT and THRESHOLD_TEST_SMTP_API are not set: " +
                        "run the tests with scripts/test.sh, which starts smtp4dev and sets them.");
        return new Smtp4Dev(host!, p, new Uri(api!.TrimEnd('/') + "/"));
    }

    public sealed record Received(string Id, string Subject, string PlainText, string Raw);

    /// <summary>Polls (bounded) until a message to <paramref name="recipient"/> has arrived.</summary>
    public async Task<Received> WaitForMessageToAsync(string recipient, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            using var list = await _http.GetFromJsonAsync<JsonDocument>("api/messages?pageSize=500", Ct);
            var results = list!.RootElement.ValueKind == JsonValueKind.Array ? list.RootElement : list.RootElement.GetProperty("results");
            foreach (var message in results.EnumerateArray())
            {
                var to = message.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "");
                if (!to.Any(t => t.Contains(recipient, StringComparison.OrdinalIgnoreCase))) continue;
                var id = message.GetProperty("id").GetString()!;
                return new Received(id, message.GetProperty("subject").GetString() ?? "",
                    await _http.GetStringAsync($"api/messages/{id}/plaintext", Ct),
                    await _http.GetStringAsync($"api/messages/{id}/raw", Ct));
            }
            if (DateTimeOffset.UtcNow > deadline)
                Assert.Fail($"No message to {recipient} arrived at smtp4dev ({_http.BaseAddress}) within {timeout.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        }
    }

    public void Dispose() => _http.Dispose();
}
