using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace Threshold.Web.Tests;

/// <summary>The session cookie and the server-side session behind it.</summary>
public sealed class SessionTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private async Task<HttpStatusCode> AccountStatusWithCookieAsync(string cookieValue)
    {
        using var copy = Browser.Bare(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", $"{Browser.SessionCookie}={cookieValue}");
        return (await copy.SendAsync(request, Ct)).StatusCode;
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_Lax()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var response = await browser.SignInAsync(user.Username, user.Password);
        var cookie = response.SetCookie(Browser.SessionCookie);
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
    }

    [Fact]
    public async Task A_copied_cookie_stops_working_after_sign_out()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var copied = browser.Cookie(Browser.SessionCookie)!;
        Assert.Equal(HttpStatusCode.OK, await AccountStatusWithCookieAsync(copied));
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        Assert.Equal(1, await app.SessionCountAsync(accountId));

        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        Assert.Equal(HttpStatusCode.Found, await AccountStatusWithCookieAsync(copied));
        Assert.Equal(0, await app.SessionCountAsync(accountId));
    }

    [Fact]
    public async Task Every_sign_in_starts_a_new_session_and_ends_the_browsers_earlier_one()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var first = browser.Cookie(Browser.SessionCookie)!;

        // Sign in again in the same browser (the antiforgery token comes from a signed-in page).
        var token = (await browser.GetAsync("/account")).AntiforgeryToken();
        var again = await browser.PostFormAsync("/signin",
        [
            new("__RequestVerificationToken", token), new("Input.Identifier", user.Email), new("Input.Password", user.Password),
        ]);
        again.AssertRedirectsTo("/account");
        var second = browser.Cookie(Browser.SessionCookie)!;

        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Found, await AccountStatusWithCookieAsync(first));
        Assert.Equal(HttpStatusCode.OK, await AccountStatusWithCookieAsync(second));
        Assert.Equal(1, await app.SessionCountAsync((await app.AccountAsync(user.Email))!.Id));
    }

    [Fact]
    public async Task Two_browsers_get_independent_sessions()
    {
        var user = await app.RegisteredUserAsync();
        using var one = new Browser(app);
        using var two = new Browser(app);
        (await one.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        (await two.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        (await one.SignOutAsync()).AssertRedirectsTo("/");
        Assert.Equal(HttpStatusCode.OK, (await two.Http.GetAsync("/account", Ct)).StatusCode);
    }

    [Fact]
    public async Task Keep_me_signed_in_gives_a_persistent_cookie_and_otherwise_a_browser_session_cookie()
    {
        var user = await app.RegisteredUserAsync();
        using var kept = new Browser(app);
        var persistent = (await kept.SignInAsync(user.Username, user.Password, keepSignedIn: true)).SetCookie(Browser.SessionCookie);
        Assert.NotNull(persistent);
        Assert.NotNull(persistent.Expires);
        Assert.InRange(persistent.Expires.Value, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        using var plain = new Browser(app);
        var session = (await plain.SignInAsync(user.Username, user.Password, keepSignedIn: false)).SetCookie(Browser.SessionCookie);
        Assert.NotNull(session);
        Assert.Null(session.Expires);
        Assert.Null(session.MaxAge);
    }
}

/// <summary>Idle and absolute session lifetimes, with a fake clock.</summary>
public sealed class SessionLifetimeTests
{
    private static async Task<HttpResponseMessage> AccountAsync(Browser browser) => await browser.Http.GetAsync("/account", Ct);

    [Fact]
    public async Task After_61_idle_minutes_account_sends_to_sign_in_but_activity_keeps_the_session_alive()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;

        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await AccountAsync(browser)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await AccountAsync(browser)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(61));
        (await AccountAsync(browser)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
        // The session is gone for good, not just for that request.
        clock.Advance(TimeSpan.FromSeconds(1));
        (await AccountAsync(browser)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
    }

    [Fact]
    public async Task A_session_ends_after_24_hours_however_active()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;

        // Active every 45 minutes (never idle for an hour) from 0 h to 23 h 15 min …
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(24); elapsed += TimeSpan.FromMinutes(45))
        {
            Assert.Equal(HttpStatusCode.OK, (await AccountAsync(browser)).StatusCode);
            clock.Advance(TimeSpan.FromMinutes(45));
        }
        // … and at 24 h, 45 minutes after the last request, the session has ended.
        (await AccountAsync(browser)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
    }

    [Fact]
    public async Task Keep_me_signed_in_survives_idle_hours_but_not_30_days()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var (browser, _) = await app.SignedInAsync(keepSignedIn: true);
        using var _b = browser;

        clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.OK, (await AccountAsync(browser)).StatusCode);
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(HttpStatusCode.OK, (await AccountAsync(browser)).StatusCode);

        // The cookie itself would still be sent by a browser whose clock lags; the server decides.
        var cookie = browser.Cookie(Browser.SessionCookie)!;
        clock.Advance(TimeSpan.FromDays(1));
        using var copy = Browser.Bare(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", $"{Browser.SessionCookie}={cookie}");
        (await copy.SendAsync(request, Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
    }
}
