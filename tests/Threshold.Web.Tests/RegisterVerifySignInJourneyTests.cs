using Microsoft.Extensions.Time.Testing;

namespace Threshold.Web.Tests;

/// <summary>The first journey: register → welcome email → verify → sign out → sign in by username and by email.</summary>
public sealed class RegisterVerifySignInJourneyTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Fact]
    public async Task Register_verify_in_the_same_browser_then_sign_out_and_in_by_username_and_by_email()
    {
        var user = TestUser.New();
        using var browser = new Browser(app);

        var registered = await browser.RegisterAsync(user);
        registered.AssertRedirectsTo("/register/check-email");
        var checkEmail = await browser.FollowAsync(registered);
        Assert.Equal(HttpStatusCode.OK, checkEmail.Status);
        Assert.Equal("Check your email", checkEmail.Heading);

        var welcome = await app.MessageToAsync(user.Email, "welcome");
        Assert.Contains(user.Username, welcome.TextBody);
        Assert.Matches(Page.ReferencePattern(), welcome.TextBody);
        var link = Mail.VerificationLink(welcome.TextBody);
        Assert.StartsWith(PublicOrigin + "/verify-email?token=", link);

        // Opening the link shows a button and changes nothing.
        var confirmPage = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, confirmPage.Status);
        Assert.True(confirmPage.HasButton("Confirm email address"), confirmPage.MainText);
        Assert.Contains(user.Username, confirmPage.MainText);
        Assert.False((await app.AccountAsync(user.Email))!.EmailConfirmed);
        Assert.Null(browser.Cookie(Browser.SessionCookie));

        // Confirming in the browser that registered continues signed in.
        var confirmed = await confirmPage.Form("Confirm email address").SubmitAsync();
        confirmed.AssertRedirectsTo("/account");
        Assert.NotNull(browser.Cookie(Browser.SessionCookie));
        Assert.True((await app.AccountAsync(user.Email))!.EmailConfirmed);
        var account = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Contains(user.Username, account.MainText);
        Assert.Contains(user.Email, account.MainText);

        (await browser.SignOutAsync()).AssertRedirectsTo("/");
        (await browser.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        Assert.Contains(user.Username, (await browser.GetAsync("/account")).MainText);
        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        (await browser.SignInAsync("  " + user.Email.ToUpperInvariant() + " ", user.Password)).AssertRedirectsTo("/account");
        var again = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains(user.Username, again.MainText);
    }

    [Fact]
    public async Task The_link_opened_in_another_browser_confirms_without_signing_in_and_works_only_once()
    {
        var user = TestUser.New();
        using var registering = new Browser(app);
        var link = await registering.RegisterAndGetLinkAsync(app, user);

        using var other = new Browser(app);
        var confirmPage = await other.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, confirmPage.Status);
        var confirmForm = confirmPage.Form("Confirm email address");
        var response = await confirmForm.SubmitAsync();
        var confirmed = await Page.LoadAsync(other, response);

        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.Contains("confirmed", confirmed.Heading, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/signin", confirmed.Link("Sign in")?.GetAttribute("href"));
        Assert.Null(response.SetCookie(Browser.SessionCookie));
        Assert.Null(other.Cookie(Browser.SessionCookie));
        (await other.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
        var verifiedAt = (await app.AccountAsync(user.Email))!.EmailVerifiedAt;
        Assert.NotNull(verifiedAt);

        // A replay, by GET or by POST, in either browser: "already used", 410, nothing changes.
        var replay = await other.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, replay.Status);
        Assert.Contains("already", replay.Heading, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(replay.Reference);
        Assert.False(replay.HasButton("Confirm email address"));

        var replayPost = await Page.LoadAsync(other, await confirmForm.SubmitAsync());
        Assert.Equal(HttpStatusCode.Gone, replayPost.Status);
        Assert.Contains("already", replayPost.Heading, StringComparison.OrdinalIgnoreCase);

        var token = await registering.AntiforgeryTokenAsync();
        var replayInRegisteringBrowser = await registering.PostFormAsync(Site.PathOf(link),
            [new("__RequestVerificationToken", token), new("token", Mail.TokenOf(link))]);
        Assert.Equal(HttpStatusCode.Gone, replayInRegisteringBrowser.StatusCode);
        Assert.Null(replayInRegisteringBrowser.SetCookie(Browser.SessionCookie));
        Assert.Null(registering.Cookie(Browser.SessionCookie));

        Assert.Equal(verifiedAt, (await app.AccountAsync(user.Email))!.EmailVerifiedAt);
    }

    [Fact]
    public async Task A_link_with_a_wrong_token_is_refused_with_a_reference()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/verify-email?token=" + new string('A', 43));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        Assert.False(page.HasButton("Confirm email address"));
    }

    [Fact]
    public async Task Links_come_from_PublicOrigin_never_from_the_Host_header()
    {
        var user = TestUser.New();
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);
        using var request = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent(form.Fields) };
        request.Headers.Host = "evil.example";
        (await browser.Http.SendAsync(request, Ct)).AssertRedirectsTo("/register/check-email");

        var welcome = await app.MessageToAsync(user.Email, "welcome");
        Assert.StartsWith(PublicOrigin + "/verify-email?token=", Mail.VerificationLink(welcome.TextBody));
        Assert.DoesNotContain("evil.example", welcome.TextBody);
        Assert.DoesNotContain("evil.example", welcome.HtmlBody ?? "");
    }
}

/// <summary>Verification links expire after 24 hours (time is faked, never waited for).</summary>
public sealed class VerificationExpiryTests
{
    [Fact]
    public async Task An_expired_link_explains_the_expiry_with_410_and_changes_nothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = TestUser.New();
        using var browser = new Browser(app);
        var link = await browser.RegisterAndGetLinkAsync(app, user);

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        var stillValid = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, stillValid.Status);
        var form = stillValid.Form("Confirm email address");

        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("expired", expired.Heading, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("24 hours", expired.AlertText);
        Assert.NotNull(expired.Reference);
        Assert.False(expired.HasButton("Confirm email address"));

        var posted = await form.SubmitAsync();
        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        Assert.Null(posted.SetCookie(Browser.SessionCookie));
        var account = await app.AccountAsync(user.Email);
        Assert.False(account!.EmailConfirmed);
        Assert.Null(account.EmailVerifiedAt);
    }
}
