using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Changing how someone signs in: re-authentication after ten minutes (ASVS 7.5.1), removing
/// factors (told and logged; the last one turns two-step sign-in off), the default method,
/// and TwoFactor:Required = all.
/// </summary>
public sealed class TwoFactorSettingsTests
{
    private static readonly string[] FactorPages =
        ["/account/security/authenticator", "/account/security/phone", "/account/security/passkeys", "/account/security/backup-codes"];

    private static string ReauthenticateFor(string path) => "/account/reauthenticate?returnUrl=" + Uri.EscapeDataString(path);

    [Fact]
    public async Task Within_10_minutes_of_sign_in_no_re_authentication_is_asked()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        clock.Advance(TimeSpan.FromMinutes(9));
        foreach (var path in FactorPages)
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(path, Ct)).StatusCode);
    }

    [Fact]
    public async Task After_11_minutes_the_factor_pages_ask_for_the_password_and_bring_the_person_back()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.SignedInAsync();
        using var _b = browser;
        clock.Advance(TimeSpan.FromMinutes(11));

        foreach (var path in FactorPages)
            (await browser.Http.GetAsync(path, Ct)).AssertRedirectsTo(ReauthenticateFor(path));
        // The security page itself opens (the password form needs the current password anyway).
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/security")).Status);

        var location = ReauthenticateFor("/account/security/authenticator");
        var wrong = await Page.LoadAsync(browser, await browser.ReauthenticateAsync(location, user.Password + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("That password is not right.", wrong.FieldError("Password"));
        Assert.NotNull(wrong.Reference);
        (await browser.Http.GetAsync("/account/security/authenticator", Ct)).AssertRedirectsTo(ReauthenticateFor("/account/security/authenticator"));
        var wrongEvent = await app.EventAsync(wrong.Reference!);
        Assert.Equal(SecurityEventKind.ReauthenticationFailed, wrongEvent!.Kind);

        (await browser.ReauthenticateAsync(location, user.Password)).AssertRedirectsTo("/account/security/authenticator");
        foreach (var path in FactorPages)
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(path, Ct)).StatusCode);

        // Fresh for ten minutes from the re-authentication, not from the sign-in.
        clock.Advance(TimeSpan.FromMinutes(11));
        (await browser.Http.GetAsync("/account/security/phone", Ct)).AssertRedirectsTo(ReauthenticateFor("/account/security/phone"));
    }

    [Fact]
    public async Task Removing_the_authenticator_needs_re_authentication_with_the_second_factor_and_is_told_and_logged()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        clock.Advance(TimeSpan.FromMinutes(11));

        (await browser.PressOnSecurityPageAsync("Remove", "totp")).AssertRedirectsTo(ReauthenticateFor("/account/security"));
        Assert.NotNull(await app.QueryAsync(db => db.TotpAuthenticators.FirstOrDefaultAsync(t => t.AccountId == accountId && t.ConfirmedAt != null, Ct)));

        // The password alone is not enough when a second factor is enrolled.
        var password = await browser.ReauthenticateAsync(ReauthenticateFor("/account/security"), user.Password);
        password.AssertRedirectsTo("/signin/two-factor?returnUrl=%2Faccount%2Fsecurity");
        (await browser.Http.GetAsync("/account/security/authenticator", Ct)).AssertRedirectsTo(ReauthenticateFor("/account/security/authenticator"));
        var step = await browser.FollowAsync(password);
        var wrong = await step.EnterCodeAndLoadAsync(clock.WrongCode(totp.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        (await wrong.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account/security");
        Assert.True(await browser.IsSignedInAsync());

        var removed = await browser.PressOnSecurityPageAsync("Remove", "totp");
        removed.AssertRedirectsTo("/account/security?done=totp-removed");
        var security = await browser.FollowAsync(removed);
        Assert.Contains("Your change was saved.", security.MainText);
        Assert.Contains("Two-step sign-in is off.", security.MainText);

        var notice = Assert.Single(await app.SecurityChangedToAsync(user.Email),
            m => m.TextBody.Contains("The authenticator app was removed from two-step sign-in.", StringComparison.Ordinal));
        var removedEvent = await app.EventAsync(notice.ReferenceCode);
        Assert.Equal(SecurityEventKind.FactorRemoved, removedEvent!.Kind);
        Assert.Equal(accountId, removedEvent.AccountId);
        // The last factor gone: backup codes go too, and the password alone signs in.
        Assert.Equal(0, await app.BackupCodeCountAsync(accountId));
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Turning_off_one_of_two_methods_keeps_two_step_sign_in_and_the_backup_codes()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        (await browser.TurnOnEmailCodesAsync()).AssertRedirectsTo("/account/security?done=email-on");

        // After eleven minutes "Turn off" asks to confirm it's you too.
        clock.Advance(TimeSpan.FromMinutes(11));
        (await browser.PressOnSecurityPageAsync("Turn off", "email")).AssertRedirectsTo(ReauthenticateFor("/account/security"));
        var password = await browser.ReauthenticateAsync(ReauthenticateFor("/account/security"), user.Password);
        (await (await browser.FollowAsync(password)).EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account/security");

        (await browser.PressOnSecurityPageAsync("Turn off", "email")).AssertRedirectsTo("/account/security?done=email-removed");
        Assert.Contains(await app.SecurityChangedToAsync(user.Email), m => m.TextBody.Contains("Sign-in codes by email were turned off.", StringComparison.Ordinal));
        var security = await browser.GetAsync("/account/security");
        Assert.Contains("Two-step sign-in is on.", security.MainText);
        Assert.DoesNotContain("Email to", security.MainText);
        Assert.Equal(10, await app.BackupCodeCountAsync(accountId));
    }

    [Fact]
    public async Task Make_default_changes_the_method_the_second_step_asks_for_first()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        (await browser.TurnOnEmailCodesAsync()).AssertRedirectsTo("/account/security?done=email-on");
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var first = await browser.SecondStepAsync();
        Assert.Contains("Open your authenticator app", first.MainText);
        Assert.Empty(await app.SignInCodeMessagesAsync(user.Email));
        (await first.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");

        var changed = await Page.LoadAsync(browser, await browser.PressOnSecurityPageAsync("Make default", "email"));
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Contains("Your default method was changed.", changed.MainText);
        // The password form on that page changes the password (it does not post back to "Make default").
        var next = "Default lantern harbour " + Guid.NewGuid().ToString("N")[..6];
        var passwordChanged = await changed.Form("Change password").Fill("Current password", user.Password).Fill("New password", next)
            .SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, passwordChanged.Status);
        Assert.Contains("Your password was changed.", passwordChanged.MainText);
        user = user with { Password = next };
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var second = await browser.SecondStepAsync();
        Assert.Contains("We sent a 6-digit code to", second.MainText);
        (await second.EnterCodeAsync(await app.SignInCodeToAsync(user.Email))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task With_two_step_sign_in_required_every_page_leads_to_set_up_until_a_method_is_on()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock, new Dictionary<string, string?> { ["TwoFactor:Required"] = "all" });
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;
        // Confirming the email address signed this browser in: it too is held at set-up.
        (await browser.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/account/two-factor?returnUrl=%2Faccount");
        await browser.SignOutFromAsync("/account/two-factor");
        Assert.False(await browser.IsSignedInAsync());

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account/two-factor?returnUrl=%2Faccount");
        foreach (var path in new[] { "/account", "/" })
            (await browser.Http.GetAsync(path, Ct)).AssertRedirectsTo("/account/two-factor?returnUrl=" + Uri.EscapeDataString(path));
        var setUp = await browser.GetAsync("/account/two-factor?returnUrl=%2Faccount");
        Assert.Equal(HttpStatusCode.OK, setUp.Status);
        Assert.Contains("Two-step sign-in is required for this account.", setUp.MainText);

        // Signing out still works.
        await browser.SignOutFromAsync("/account/two-factor");
        (await browser.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account/two-factor?returnUrl=%2Faccount");
        var choice = await browser.GetAsync("/account/two-factor?returnUrl=%2Faccount");
        var page = await browser.AuthenticatorPageAsync(choice);
        var key = TotpKeyOn(page);
        var on = await page.TurnOnAuthenticatorAsync(OathTool.Totp(key, clock.GetUtcNow()));
        on.AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount");
        var codes = await browser.FollowAsync(on);
        Assert.Equal(10, BackupCodesOn(codes).Count);
        Assert.Equal("/account", codes.Link("I have saved my codes").Href());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).Status);

        // From now on the second step is asked like for anyone with it on.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        (await (await browser.SecondStepAsync()).EnterCodeAsync(clock.NextCode(key))).AssertRedirectsTo("/account");
    }
}
