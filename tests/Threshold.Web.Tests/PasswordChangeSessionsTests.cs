using Threshold.Core.Activity;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// The password form's "Sign out other sessions" (ticked by default): ticked, every other session
/// ends; cleared, they stay signed in; either way remembered devices must pass the second step
/// again. /.well-known/change-password leads to the form, through /signin when signed out.
/// </summary>
public sealed class PasswordChangeSessionsTests
{
    private const string SignOutOthers = "Sign out other sessions";

    private static string Fresh(string label) => $"{label} harbour lantern {Guid.NewGuid().ToString("N")[..6]}";

    private static async Task<Page> ChangeAsync(Browser browser, TestUser user, string next, bool? signOutOthers)
    {
        var page = await browser.GetAsync("/account/security");
        var form = page.Form("Change password").Fill("Current password", user.Password).Fill("New password", next);
        if (signOutOthers is { } tick) form.Check(SignOutOthers, tick);
        return await form.SubmitAndLoadAsync();
    }

    [Fact]
    public async Task The_box_is_ticked_by_default_and_then_every_other_session_ends()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var form = await browser.GetAsync("/account/security");
        Assert.True(form.Control(SignOutOthers).HasAttribute("checked"));
        var changed = await ChangeAsync(browser, user, Fresh("Ended"), signOutOthers: null);

        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Contains("Every other device was signed out", changed.MainText);
        Assert.True(await browser.IsSignedInAsync());
        Assert.False(await other.IsSignedInAsync());
        var logged = (await app.EventAsync((await app.MessageToAsync(user.Email, "password-changed")).ReferenceCode))!;
        Assert.Equal((SecurityEventKind.PasswordChanged, "other_sessions_ended"), (logged.Kind, logged.Reason));
    }

    [Fact]
    public async Task Cleared_the_other_sessions_stay_signed_in()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        var next = Fresh("Kept");

        var changed = await ChangeAsync(browser, user, next, signOutOthers: false);

        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Contains("Your other devices stay signed in", changed.MainText);
        Assert.True(await other.IsSignedInAsync());
        Assert.True(await browser.IsSignedInAsync());
        Assert.Equal(2, await app.SessionCountAsync(accountId));
        Assert.True(await app.SignsInAsync(user.Username, next));
        Assert.False(await app.SignsInAsync(user.Username, user.Password));
        var logged = (await app.EventAsync((await app.MessageToAsync(user.Email, "password-changed")).ReferenceCode))!;
        Assert.Equal("other_sessions_kept", logged.Reason);
    }

    [Fact]
    public async Task A_post_without_the_choice_ends_the_other_sessions()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var page = await browser.GetAsync("/account/security");
        var form = page.Form("Change password").Fill("Current password", user.Password).Fill("New password", Fresh("Scripted"))
            .Set("Input.SignOutOtherSessions", null).Set("Input.SessionChoiceShown", null);
        Assert.Equal(HttpStatusCode.OK, (await form.SubmitAndLoadAsync()).Status);

        Assert.False(await other.IsSignedInAsync());
    }

    [Fact]
    public async Task A_remembered_device_asks_for_the_second_step_again_even_when_sessions_are_kept()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        using var laptop = app.NewBrowser();
        await laptop.SignInWithTotpAsync(user, clock.NextCode(totp.Key), rememberDevice: true);
        await laptop.SignOutFromAsync("/account");
        (await laptop.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account"); // remembered
        await laptop.SignOutFromAsync("/account");
        var next = Fresh("Stamped");

        Assert.Equal(HttpStatusCode.OK, (await ChangeAsync(browser, user, next, signOutOthers: false)).Status);

        (await laptop.SignInAsync(user.Username, next)).AssertRedirectsTo(SecondStepToAccount);
    }

    [Fact]
    public async Task The_well_known_change_password_address_leads_to_the_form()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;

        var signedIn = await browser.Http.GetAsync("/.well-known/change-password", Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/account/security#password", signedIn.Headers.Location!.OriginalString);
        var form = await browser.GetAsync("/account/security");
        var heading = form.Document.GetElementById("password");
        Assert.Equal("Change your password", Page.Normalize(heading?.TextContent));
        Assert.NotNull(heading!.NextElementSibling?.QuerySelector("input[autocomplete=current-password]"));

        using var stranger = app.NewBrowser();
        var first = await stranger.Http.GetAsync("/.well-known/change-password", Ct);
        Assert.Equal("/account/security#password", first.Headers.Location!.OriginalString);
        (await stranger.Http.GetAsync("/account/security", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount%2Fsecurity");
        (await stranger.SignInAsync(user.Username, user.Password, returnUrl: "/account/security")).AssertRedirectsTo("/account/security");
    }
}
