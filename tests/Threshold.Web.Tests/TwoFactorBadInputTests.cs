using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>Forged cookies, garbage passkey answers and missing antiforgery headers: refused clearly, never a 500.</summary>
public sealed class TwoFactorBadInputTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Without_a_real_second_step_cookie_the_page_says_the_sign_in_expired(string? forged)
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (victim, user, totp) = await app.UserWithTotpAsync(clock);
        using var _v = victim;

        using var browser = app.NewBrowser();
        var token = (await browser.GetAsync("/signin")).AntiforgeryToken();
        if (forged is not null) browser.Cookies.Add(browser.BaseAddress, new Cookie(PendingCookie, forged, "/"));

        var get = await browser.SecondStepAsync();
        Assert.Equal(HttpStatusCode.Gone, get.Status);
        Assert.Equal("This sign-in has expired", get.Heading);
        Assert.NotNull(get.Reference);

        var post = await Page.LoadAsync(browser, await browser.PostFormAsync(SecondStepPath + "?returnUrl=%2Faccount",
            [new("__RequestVerificationToken", token), new("method", "totp"), new("Code", clock.NextCode(totp.Key))]));
        Assert.Equal(HttpStatusCode.Gone, post.Status);
        Assert.Equal("This sign-in has expired", post.Heading);
        Assert.False(await browser.IsSignedInAsync());
        Assert.Equal(0, (await app.AccountAsync(user.Email))!.SecondFactorFailures);
    }

    [Fact]
    public async Task A_second_step_cookie_copied_after_the_sign_in_finished_does_not_sign_in_again()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var pending = browser.Cookie(PendingCookie);
        Assert.NotNull(pending);
        var step = await browser.SecondStepAsync();
        (await step.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
        Assert.Null(browser.Cookie(PendingCookie));

        using var thief = app.NewBrowser();
        thief.Cookies.Add(thief.BaseAddress, new Cookie(PendingCookie, pending, "/"));
        Assert.Equal(HttpStatusCode.Gone, (await thief.SecondStepAsync()).Status);
    }

    [Fact]
    public async Task A_garbage_passkey_answer_is_refused_with_a_reference_and_no_500()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        using var browser = app.NewBrowser();
        var signIn = await browser.GetAsync("/signin");
        var token = signIn.AntiforgeryToken();
        Assert.Equal("/signin?handler=Passkey", signIn.Document.QuerySelector("form.passkey-form")?.GetAttribute("action"));

        // Without a challenge first, and then after asking for one.
        Page? refused = null;
        for (var round = 0; round < 2; round++)
        {
            if (round == 1)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/passkeys/sign-in-options");
                request.Headers.Add("RequestVerificationToken", token);
                var options = await browser.Http.SendAsync(request, Ct);
                Assert.Equal(HttpStatusCode.OK, options.StatusCode);
                Assert.Contains("challenge", await options.Content.ReadAsStringAsync(Ct));
            }
            foreach (var credential in new[] { "garbage", "{\"id\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}", "" })
            {
                var page = await Page.LoadAsync(browser, await browser.PostFormAsync("/signin?handler=Passkey",
                    [new("__RequestVerificationToken", token), new("Credential", credential), new("returnUrl", "/account")]));
                Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
                Assert.Contains("That passkey could not sign you in.", page.AlertText);
                Assert.NotNull(page.Reference);
                Assert.False(await browser.IsSignedInAsync());
                refused = page;
            }
        }

        // The password form on the page that refused the passkey still signs in with a password
        // (it posts to the sign-in, not back to the passkey handler the page came from).
        var user = await app.RegisterAsync(RecoveryPages.NewUser());
        var withPassword = await refused!.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", user.Password).SubmitAsync();
        withPassword.AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Passkey_options_without_the_antiforgery_header_are_refused()
    {
        await using var app = RecoveryPages.NewApp(NewClock());
        using var browser = app.NewBrowser();
        await browser.GetAsync("/signin"); // the antiforgery cookie, but no header
        var response = await browser.Http.PostAsync("/passkeys/sign-in-options", null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(browser.Cookie(PendingCookie));

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/passkeys/sign-in-options");
        wrong.Headers.Add("RequestVerificationToken", "not-a-token");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.SendAsync(wrong, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_code_for_another_method_or_a_method_not_set_up_is_refused()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);

        // Asking for a method the account does not have falls back to its default.
        var sms = await browser.SecondStepAsync("?returnUrl=%2Faccount&method=sms");
        Assert.Equal(HttpStatusCode.OK, sms.Status);
        Assert.Contains("Open your authenticator app", sms.MainText);
        var token = sms.AntiforgeryToken();
        var send = await browser.PostFormAsync(SecondStepPath + "?handler=Send&returnUrl=%2Faccount",
            [new("__RequestVerificationToken", token), new("method", "sms")]);
        Assert.True((int)send.StatusCode < 500);
        Assert.Empty(await app.SignInCodeMessagesAsync(user.Email));
        Assert.False(await browser.IsSignedInAsync());
        (await sms.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }
}
