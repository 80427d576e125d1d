using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// "Remember this device for 30 days": the same browser skips the second step, no other does,
/// and a password change or reset forgets every remembered device; a forged cookie is ignored.
/// </summary>
public sealed class TwoFactorRememberDeviceTests
{
    private static async Task<(ThresholdFactory App, Browser Browser, TestUser User, TotpEnrolment Totp)> RememberedAsync(
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        var done = await step.EnterCodeAsync(clock.NextCode(totp.Key), rememberDevice: true);
        done.AssertRedirectsTo("/account");
        var cookie = done.SetCookie(RememberCookie);
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.NotNull(cookie.Expires);
        Assert.InRange(cookie.Expires.Value, clock.GetUtcNow().AddDays(29), clock.GetUtcNow().AddDays(31));
        await browser.SignOutFromAsync("/account");
        return (app, browser, user, totp);
    }

    [Fact]
    public async Task A_remembered_browser_skips_the_second_step_and_another_browser_does_not()
    {
        var clock = NewClock();
        var (app, browser, user, totp) = await RememberedAsync(clock);
        await using var _a = app;
        using var _b = browser;

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        Assert.True(await browser.IsSignedInAsync());

        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await other.IsSignedInAsync());

        // The remembered device does not stand in for the password.
        await browser.SignOutFromAsync("/account");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(user.Username, user.Password + "x")).StatusCode);

        // Without the box ticked, nothing is remembered.
        using var unticked = app.NewBrowser();
        (await unticked.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var done = await (await unticked.SecondStepAsync()).EnterCodeAsync(clock.NextCode(totp.Key));
        done.AssertRedirectsTo("/account");
        Assert.Null(done.SetCookie(RememberCookie));
    }

    [Fact]
    public async Task A_password_change_forgets_the_remembered_device()
    {
        var clock = NewClock();
        var (app, browser, user, totp) = await RememberedAsync(clock);
        await using var _a = app;
        using var _b = browser;

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var next = "Changed lantern harbour " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.OK, (await browser.ChangePasswordAsync(user.Password, next)).Status);
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, next)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await browser.IsSignedInAsync());
        (await (await browser.SecondStepAsync()).EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_password_reset_forgets_the_remembered_device()
    {
        var clock = NewClock();
        var (app, browser, user, totp) = await RememberedAsync(clock);
        await using var _a = app;
        using var _b = browser;

        await browser.RequestResetAsync(user.Email);
        var next = "Reset lantern harbour " + Guid.NewGuid().ToString("N")[..6];
        (await browser.ResetWithLinkAsync(await app.ResetLinkAsync(user.Email), next)).AssertRedirectsTo("/signin?reset=done");

        (await browser.SignInAsync(user.Username, next)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await browser.IsSignedInAsync());
        (await (await browser.SecondStepAsync()).EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_forged_remember_cookie_is_ignored(string forged)
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        browser.Cookies.Add(browser.BaseAddress, new Cookie(RememberCookie, forged, "/"));
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await browser.IsSignedInAsync());
        (await (await browser.SecondStepAsync()).EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Another_accounts_remember_cookie_does_not_skip_this_accounts_second_step()
    {
        var clock = NewClock();
        var (app, browser, _, _) = await RememberedAsync(clock);
        await using var _a = app;
        using var _b = browser;
        var (other, otherUser, _) = await app.UserWithTotpAsync(clock);
        using var _o = other;

        // The browser remembered for the first account signs in as the second: still asked.
        (await browser.SignInAsync(otherUser.Username, otherUser.Password)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await browser.IsSignedInAsync());
    }
}
