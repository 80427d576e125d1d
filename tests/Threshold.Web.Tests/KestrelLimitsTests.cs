namespace Threshold.Web.Tests;

/// <summary>
/// Limits and header rules that only a real server applies (the in-memory TestServer has no
/// request-size limit and does not validate response headers): the app on Kestrel, on a free port.
/// </summary>
public sealed class KestrelLimitsTests : IAsyncLifetime
{
    private readonly LogCollector _logs = new();
    private readonly ThresholdFactory _app;
    public KestrelLimitsTests() => _app = new ThresholdFactory { Logs = _logs };

    /// <summary>The app's error log lines, for failure messages.</summary>
    private string Errors => string.Join("\n", _logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Select(l => l[..Math.Min(l.Length, 2500)]));
    private Uri _address = null!;

    public ValueTask InitializeAsync()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        using var client = _app.CreateDefaultClient();
        _address = client.BaseAddress!;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_body_over_1_MB_is_refused_with_413_or_400_and_creates_nothing()
    {
        var accounts = await _app.AccountCountAsync();
        using var browser = new Browser(_address);
        Assert.False(browser.BaseAddress.IsDefaultPort, $"Not on Kestrel: {browser.BaseAddress}");
        var user = TestUser.New();
        var form = await browser.RegisterFormAsync(user);
        form.Fill("Password", user.Password + new string('p', 1536 * 1024));
        // Like a browser that waits for "100 Continue": Kestrel answers 413 before the body is sent,
        // instead of closing the socket under a client that is still writing (a broken pipe, not an answer).
        browser.Http.DefaultRequestHeaders.ExpectContinue = true;

        var response = await form.SubmitAsync();
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode}: {Page.Normalize(html)[..Math.Min(300, html.Length)]}\n{Errors}");
        Assert.Equal(accounts, await _app.AccountCountAsync());
        Assert.Empty(await _app.MessagesToAsync(user.Email));
    }

    /// <summary>
    /// The console's search is a GET: a 10 KB query escapes to up to 30 KB of request line. The app must
    /// see it and answer with its field error (SupportConsoleTests), not Kestrel with a bare 414.
    /// </summary>
    [Fact]
    public async Task A_30_KB_request_line_reaches_the_app()
    {
        using var browser = new Browser(_address);
        var query = Uri.EscapeDataString(new string('<', 10 * 1024));
        Assert.True(query.Length >= 30 * 1024);

        var page = await browser.GetAsync("/signin?returnUrl=" + query);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Sign in", page.Heading);
    }

    [Theory]
    [InlineData("/account?from=caf\u00e9")]
    [InlineData("/caf\u00e9")]
    [InlineData("/ac\u202Ecount")]
    public async Task A_local_returnUrl_with_non_ASCII_characters_signs_in_without_a_fault(string returnUrl)
    {
        var user = await _app.RegisteredUserAsync(_address);
        using var browser = new Browser(_address);
        var response = await browser.SignInAsync(user.Username, user.Password, returnUrl: returnUrl);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}\n{Errors}");
        Assert.True(response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther, $"{(int)response.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_journey_works_over_a_real_socket()
    {
        var user = TestUser.New();
        using var browser = new Browser(_address);
        var link = await browser.RegisterAndGetLinkAsync(_app, user);
        var confirm = await browser.GetAsync(Site.PathOf(link));
        (await confirm.Form("Confirm email address").SubmitAsync()).AssertRedirectsTo("/account");
        Assert.Contains(user.Username, (await browser.GetAsync("/account")).MainText);
    }
}
