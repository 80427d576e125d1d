namespace Threshold.Web.Tests;

/// <summary>Home, health, well-known change-password, security headers, sign-out method, the dev outbox.</summary>
public sealed class WebBasicsTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Fact]
    public async Task The_home_page_has_a_Sign_in_link_in_the_header()
    {
        using var browser = new Browser(app);
        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Equal("/signin", home.Link("Sign in", within: "header")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Signed_in_pages_show_Account_and_a_Sign_out_button_instead()
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var home = await browser.GetAsync("/");
        Assert.Null(home.Link("Sign in", within: "header"));
        Assert.Equal("/account", home.Link("Account", within: "header")?.GetAttribute("href"));
        var signOut = home.Form("Sign out");
        Assert.Equal("post", signOut.Method);
        Assert.Equal("/signout", signOut.Action.AbsolutePath);
    }

    [Fact]
    public async Task Healthz_answers_200()
    {
        using var client = Browser.Bare(app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Fact]
    public async Task Well_known_change_password_signed_out_ends_at_sign_in_with_a_returnUrl()
    {
        using var browser = new Browser(app);
        var response = await browser.Http.GetAsync("/.well-known/change-password", Ct);
        var hops = new List<string> { "/.well-known/change-password" };
        while (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.MovedPermanently or HttpStatusCode.TemporaryRedirect && hops.Count < 6)
        {
            hops.Add(response.RedirectTargetAnyStatus());
            response = await browser.Http.GetAsync(hops[^1], Ct);
        }
        var last = new Uri(new Uri(PublicOrigin), hops[^1]);
        Assert.True(last.AbsolutePath == "/signin", $"Ended at {(int)response.StatusCode} {string.Join(" -> ", hops)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(last.Query)["returnUrl"].ToString();
        Assert.StartsWith("/", returnUrl);
        Assert.NotEqual("/", returnUrl);
    }

    [Fact]
    public async Task Well_known_change_password_signed_in_reaches_the_password_change_page()
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var response = await browser.Http.GetAsync("/.well-known/change-password", Ct);
        var target = response.RedirectTargetAnyStatus();
        var page = await browser.GetAsync(target);
        Assert.True(page.Status == HttpStatusCode.OK, $"{target} answered {(int)page.Status}: {page.Heading}");
        Assert.Contains("password", page.MainText, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/register")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_strict_security_headers(string path)
    {
        using var client = Browser.Bare(app);
        var response = await client.GetAsync(path, Ct);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        var scriptSource = directives.GetValueOrDefault("script-src") ?? directives["default-src"];
        Assert.DoesNotContain("'unsafe-inline'", scriptSource);
        Assert.DoesNotContain("'unsafe-eval'", scriptSource);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains(Assert.Single(response.Headers.GetValues("Referrer-Policy")),
            new[] { "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin" });
    }

    [Fact]
    public async Task Pages_do_not_use_inline_script()
    {
        using var browser = new Browser(app);
        foreach (var path in new[] { "/", "/signin", "/register", "/register/check-email" })
        {
            var page = await browser.GetAsync(path);
            Assert.All(page.Document.QuerySelectorAll("script"), s => Assert.False(string.IsNullOrWhiteSpace(s.GetAttribute("src")), $"inline script on {path}"));
            Assert.DoesNotContain(page.Document.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Sign_out_by_GET_is_refused_and_does_not_sign_out()
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var response = await browser.Http.GetAsync("/signout", Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_dev_outbox_shows_messages_in_Development()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var outbox = await browser.GetAsync("/dev/outbox");
        Assert.Equal(HttpStatusCode.OK, outbox.Status);
        Assert.Contains(user.Email, outbox.MainText);
    }
}

/// <summary>The same app in the Production environment.</summary>
public sealed class ProductionTests(ProductionFactory app) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task The_dev_outbox_does_not_exist_in_Production()
    {
        await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var outbox = await browser.GetAsync("/dev/outbox");
        Assert.Equal(HttpStatusCode.NotFound, outbox.Status);
        Assert.NotNull(outbox.Reference);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/signin")).Status);
    }
}
