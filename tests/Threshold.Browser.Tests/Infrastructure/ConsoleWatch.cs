using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>
/// Everything a browser context reports as a console error (Chromium reports blocked
/// content — CSP violations — this way) and every uncaught script error.
/// Two kinds of message are not errors of the page and are left out:
/// Chromium's "Failed to load resource" for a page whose own status is an intended 4xx
/// (a wrong password answers 401, an unknown address 404: the tests assert those statuses), and the
/// browser's own request for /favicon.ico, which <c>BrowserConsole</c> checks once so that a missing
/// icon does not hide every other finding. A failed script, stylesheet or image is still an error.
/// </summary>
public sealed partial class ConsoleWatch
{
    private readonly ConcurrentQueue<(string Text, string Location, string? PageUrl)> _console = new();
    private readonly ConcurrentQueue<string> _scriptErrors = new();
    private readonly ConcurrentDictionary<(string Url, int Status), bool> _documents = new();

    public IReadOnlyList<string> Errors =>
    [
        .. _console.Where(m => !IsDocumentStatus(m.Text, m.Location) && !IsFavicon(m.Location))
            .Select(m => $"console error on {m.PageUrl}: {m.Text} ({m.Location})"),
        .. _scriptErrors,
    ];

    public void Watch(IBrowserContext context)
    {
        context.Console += (_, message) =>
        {
            if (message.Type == "error") _console.Enqueue((message.Text, message.Location, message.Page?.Url));
        };
        context.WebError += (_, error) => _scriptErrors.Enqueue($"uncaught script error on {error.Page?.Url}: {error.Error}");
        context.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document") _documents[(response.Url, response.Status)] = true;
        };
    }

    public void AssertClean(string state)
    {
        var errors = Errors;
        if (errors.Count == 0) return;
        Assert.Fail($"The browser reported {errors.Count} error(s) by the time of {state}:\n  - " + string.Join("\n  - ", errors));
    }

    private bool IsDocumentStatus(string text, string location)
    {
        var failed = FailedToLoad().Match(text);
        return failed.Success && _documents.ContainsKey((Resource(location), int.Parse(failed.Groups[1].Value)));
    }

    private static bool IsFavicon(string location) =>
        Uri.TryCreate(Resource(location), UriKind.Absolute, out var uri) && uri.AbsolutePath == "/favicon.ico";

    /// <summary>A console location reads <c>URL:line:column</c>.</summary>
    private static string Resource(string location) => LineAndColumn().Replace(location, "");

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (\d{3})\b")]
    private static partial Regex FailedToLoad();

    [GeneratedRegex(@":\d+:\d+$")]
    private static partial Regex LineAndColumn();
}
