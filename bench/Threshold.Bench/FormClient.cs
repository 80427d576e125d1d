using System.Net;
using System.Text.RegularExpressions;

namespace Threshold.Bench;

/// <summary>One HTTP response as a browser would see it, without following redirects.</summary>
internal sealed record Page(HttpStatusCode Status, string Body, Uri? Location);

/// <summary>
/// Talks to the server the way a browser does, over one shared connection pool. Cookies are
/// kept per caller in a <see cref="CookieContainer"/> (a fresh one per login = a new browser),
/// so connections are reused without sharing any cookie between logins.
/// </summary>
internal sealed partial class FormClient : IDisposable
{
    public const string TokenField = "__RequestVerificationToken";

    private readonly HttpClient _http;

    public FormClient(Uri baseAddress, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = Math.Max(connections, 1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Threshold.Bench/1.0");
        _http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<Page> GetAsync(string pathOrUri, CookieContainer jar, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, pathOrUri), jar, ct);

    public Task<Page> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, CookieContainer jar, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) }, jar, ct);

    /// <summary>A form POST that also carries extra request headers (e.g. X-Forwarded-For).</summary>
    public Task<Page> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<KeyValuePair<string, string>> headers,
        CookieContainer jar, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return SendAsync(request, jar, ct);
    }

    private async Task<Page> SendAsync(HttpRequestMessage request, CookieContainer jar, CancellationToken ct)
    {
        using (request)
        {
            var uri = request.RequestUri!.IsAbsoluteUri ? request.RequestUri : new Uri(BaseAddress, request.RequestUri);
            request.RequestUri = uri;
            var cookies = jar.GetCookieHeader(uri);
            if (cookies.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookies);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
                foreach (var header in setCookies)
                    jar.SetCookies(uri, header);
            var body = await response.Content.ReadAsStringAsync(ct);
            var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l : new Uri(uri, l)) : null;
            return new Page(response.StatusCode, body, location);
        }
    }

    /// <summary>The antiforgery token of the first form, found with a regex (cheap enough for the hot path).</summary>
    public static string? Token(string html)
    {
        var input = TokenInput().Match(html);
        if (!input.Success) return null;
        var value = ValueAttribute().Match(input.Value);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : null;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex TokenInput();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ValueAttribute();

    public void Dispose() => _http.Dispose();
}
