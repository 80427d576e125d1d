using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>Ways in that must not go around an enrolled second factor, and notices that say only what happened.</summary>
public sealed class TwoFactorPathwayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_verification_link_does_not_sign_in_past_a_factor_set_up_before_it_was_used()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var user = RecoveryPages.NewUser();
        using var browser = app.NewBrowser();
        var link = await browser.RegisterAndGetLinkAsync(app, user);

        // Before confirming the address, the person signs in and sets up an authenticator app, then signs out.
        (await browser.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        await browser.EnrolTotpAsync(clock);
        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        // The link, in the very browser that registered, confirms the address but does not sign in.
        var confirm = await browser.GetAsync(Site.PathOf(link));
        var confirmed = await Page.LoadAsync(browser, await confirm.Form("Confirm email address").SubmitAsync());
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.True((await app.AccountAsync(user.Email))!.EmailConfirmed);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
        (await browser.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
    }

    [Fact]
    public async Task The_first_backup_codes_come_without_a_second_notice_and_new_ones_are_announced()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, _) = await app.UserWithTotpAsync(clock);
        using var _b = browser;

        var notices = await app.SecurityChangedToAsync(user.Email);
        Assert.Single(notices);
        Assert.Contains("An authenticator app was set up", notices[0].TextBody, StringComparison.Ordinal);

        var page = await browser.GetAsync("/account/security/backup-codes");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        await page.Form("Get new backup codes").SubmitAsync();
        Assert.Contains(await app.SecurityChangedToAsync(user.Email),
            m => m.TextBody.Contains("New backup codes were made; the old ones no longer work.", StringComparison.Ordinal));
    }
}
