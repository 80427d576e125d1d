using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// One browser: its own cookie jar, no automatic redirects (tests look at each 302/303).
/// The jar is visible so tests can copy or inspect cookies.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string SessionCookie = "Threshold.Session";
    public const string RegistrationCookie = "Threshold.Registration";

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public Uri BaseAddress => Http.BaseAddress!;

    public Browser(WebApplicationFactory<Program> app, string? userAgent = null)
    {
        Http = app.CreateDefaultClient(new CookieJar(Cookies));
        // Each browser comes from its own address, as people do; the per-network throttles
        // would otherwise see every test of a class as one network. From() overrides it.
        Http.DefaultRequestHeaders.Add(ClientAddress.Header, ClientAddress.NextIPv4());
        if (userAgent is not null) Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
    }

    /// <summary>A browser talking to a real server (Kestrel) over a socket.</summary>
    public Browser(Uri address)
    {
        Http = new HttpClient(new CookieJar(Cookies) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } })
        {
            BaseAddress = address,
        };
    }

    /// <summary>A client with no cookie handling at all (a copied Cookie header, a scripted request).</summary>
    public static HttpClient Bare(WebApplicationFactory<Program> app) => app.CreateDefaultClient();

    public string? Cookie(string name) => Cookies.GetCookies(BaseAddress)[name]?.Value is { Length: > 0 } v ? v : null;

    public async Task<Page> GetAsync(string url) => await Page.LoadAsync(this, await Http.GetAsync(url, Ct));

    /// <summary>Follows one redirect (GET on its Location).</summary>
    public async Task<Page> FollowAsync(HttpResponseMessage redirect)
    {
        Assert.True(Http.IsRedirect(redirect), $"Expected a redirect, got {(int)redirect.StatusCode}");
        return await GetAsync(redirect.Headers.Location!.ToString());
    }

    public async Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        await Http.PostAsync(url, new FormUrlEncodedContent(fields), Ct);

    public async Task<HttpResponseMessage> PostBytesAsync(string url, byte[] body, string contentType = "application/x-www-form-urlencoded")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Http.PostAsync(url, content, Ct);
    }

    /// <summary>The antiforgery token of any form on <paramref name="url"/> (tokens are not tied to a form).</summary>
    public async Task<string> AntiforgeryTokenAsync(string url = "/register") =>
        (await GetAsync(url)).AntiforgeryToken();

    public void Dispose() => Http.Dispose();

    private sealed class CookieJar(CookieContainer jar) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var uri = request.RequestUri!;
            var header = jar.GetCookieHeader(uri);
            if (header.Length > 0) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
                foreach (var value in values) jar.SetCookies(uri, value);
            return response;
        }
    }
}

public static class HttpExtensions
{
    public static bool IsRedirect(this HttpClient _, HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther;

    /// <summary>Path and query of the Location header, whether it is absolute or relative.</summary>
    public static string RedirectTarget(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"Expected 302 or 303, got {(int)response.StatusCode}");
        var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException("Redirect without a Location header");
        return location.IsAbsoluteUri ? location.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped) : location.OriginalString;
    }

    public static void AssertRedirectsTo(this HttpResponseMessage response, string pathAndQuery) =>
        Assert.Equal(pathAndQuery, response.RedirectTarget());

    public static IEnumerable<string> SetCookies(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    /// <summary>The Set-Cookie header that sets <paramref name="name"/> to a non-empty value, or null.</summary>
    public static Microsoft.Net.Http.Headers.SetCookieHeaderValue? SetCookie(this HttpResponseMessage response, string name) =>
        response.SetCookies()
            .Select(v => Microsoft.Net.Http.Headers.SetCookieHeaderValue.Parse(v))
            .LastOrDefault(c => c.Name.Equals(name, StringComparison.Ordinal) && c.Value.Length > 0);
}

public static class RedirectExtensions
{
    /// <summary>Path and query of a Location header on any 3xx.</summary>
    public static string RedirectTargetAnyStatus(this HttpResponseMessage response)
    {
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"Expected a redirect, got {(int)response.StatusCode}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped) : location.OriginalString;
    }
}
