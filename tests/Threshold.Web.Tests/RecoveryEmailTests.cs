using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.RecoveryInfoPages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// /account/security/recovery-email: an address counts once the emailed code comes back; a change
/// is told to the old address as well as the new; it can be removed; every handler needs a sign-in
/// within ten minutes; and "Forgot password?" sends its link to a verified recovery email too, also
/// when that address is what the person typed.
/// </summary>
public sealed class RecoveryEmailTests
{
    private static string NewAddress(string label) => $"{label}.{Guid.NewGuid().ToString("N")[..8]}@example.net";

    [Fact]
    public async Task An_address_is_verified_by_an_emailed_code_and_shown_on_the_security_page()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var backup = NewAddress("backup");

        var security = await browser.GetAsync("/account/security");
        Assert.Contains("Recovery email None yet.", security.RecoverySection());
        var page = await browser.GetAsync(security.Link("Add a recovery email").Href());
        Assert.Equal("Recovery email", page.Heading);

        var sent = await browser.SendRecoveryEmailCodeAsync(backup);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains($"We sent a code to {backup}.", sent.MainText);
        Assert.Null((await app.AccountAsync(user.Email))!.RecoveryEmail);
        var codeMessage = Assert.Single(await app.MessagesToAsync(backup));
        Assert.Equal("confirm-recovery-email", codeMessage.Template);
        Assert.DoesNotContain(user.Username, codeMessage.TextBody);

        var saved = await sent.Form(ConfirmButton).Fill(EmailCodeLabel, await app.RecoveryEmailCodeAsync(backup)).SubmitAsync();

        saved.AssertRedirectsTo("/account/security?done=recovery-email-saved");
        var account = (await app.AccountAsync(user.Email))!;
        Assert.Equal(backup, account.RecoveryEmail);
        Assert.NotNull(account.RecoveryEmailVerifiedAt);
        Assert.Contains($"Recovery email {backup} Verified", (await browser.FollowAsync(saved)).RecoverySection());
        var toNew = Assert.Single(await app.SecurityChangedToAsync(backup));
        var toSignIn = Assert.Single(await app.SecurityChangedToAsync(user.Email));
        Assert.Contains("recovery email address was added", toNew.TextBody);
        Assert.Equal(toNew.ReferenceCode, toSignIn.ReferenceCode);
        var logged = (await app.EventAsync(toNew.ReferenceCode))!;
        Assert.Equal((SecurityEventKind.RecoveryInfoChanged, "recovery-email-added"), (logged.Kind, logged.Reason));
    }

    [Fact]
    public async Task A_wrong_code_keeps_the_old_address_and_a_change_tells_the_old_and_the_new_address()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var first = NewAddress("first");
        var second = NewAddress("second");
        (await browser.AddRecoveryEmailAsync(app, first)).AssertRedirectsTo("/account/security?done=recovery-email-saved");

        var sent = await browser.SendRecoveryEmailCodeAsync(second);
        var code = await app.RecoveryEmailCodeAsync(second);
        var wrong = await sent.Form(ConfirmButton).Fill(EmailCodeLabel, ((int.Parse(code) + 1) % 1_000_000).ToString("D6")).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("That code is not right. You have 4 more tries with this code.", wrong.FieldError(EmailCodeLabel));
        Assert.NotNull(wrong.Reference);
        Assert.Equal(first, (await app.AccountAsync(user.Email))!.RecoveryEmail);

        (await wrong.Form(ConfirmButton).Fill(EmailCodeLabel, code).SubmitAsync()).AssertRedirectsTo("/account/security?done=recovery-email-saved");

        Assert.Equal(second, (await app.AccountAsync(user.Email))!.RecoveryEmail);
        var toOld = (await app.SecurityChangedToAsync(first)).Last();
        var toNew = Assert.Single(await app.SecurityChangedToAsync(second));
        Assert.Contains("recovery email address was changed", toOld.TextBody);
        Assert.Equal(toOld.ReferenceCode, toNew.ReferenceCode);
        Assert.Contains(await app.SecurityChangedToAsync(user.Email), m => m.ReferenceCode == toNew.ReferenceCode);
        NoticePages.AssertSecurityNotice(toOld); // its only link is "This wasn't me": no sign-in link
        Assert.Equal("recovery-email-changed", (await app.EventAsync(toNew.ReferenceCode))!.Reason);
    }

    [Fact]
    public async Task Removing_tells_the_removed_address_and_the_security_page_button_does_it_too()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var backup = NewAddress("backup");
        await browser.AddRecoveryEmailAsync(app, backup);

        (await browser.PressInRecoverySectionAsync(RemoveEmailButton)).AssertRedirectsTo("/account/security?done=recovery-email-removed");

        var account = (await app.AccountAsync(user.Email))!;
        Assert.Null(account.RecoveryEmail);
        Assert.Null(account.RecoveryEmailVerifiedAt);
        Assert.Contains("recovery email address was removed", (await app.SecurityChangedToAsync(backup)).Last().TextBody);
        Assert.Contains("recovery email address was removed", (await app.SecurityChangedToAsync(user.Email)).Last().TextBody);
        Assert.Contains("Recovery email None yet.", (await browser.GetAsync("/account/security")).RecoverySection());

        // Nothing left to remove: a clear answer, not a fault.
        var page = await browser.GetAsync(EmailPath);
        var again = await Page.LoadAsync(browser, await browser.PostFormAsync(EmailPath + "?handler=Remove",
            [new("__RequestVerificationToken", page.AntiforgeryToken())]));
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("There is nothing to remove.", again.AlertText);
    }

    [Theory]
    [InlineData("", "Enter the email address you want to use for recovery.")]
    [InlineData("not an address", "Enter an email address in the form name@example.com.")]
    [InlineData("someone@", "Enter an email address in the form name@example.com.")]
    public async Task An_address_that_is_not_one_gets_a_field_error_and_nothing_is_sent(string typed, string message)
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var before = await app.OutboxCountAsync();

        var page = await browser.SendRecoveryEmailCodeAsync(typed);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        Assert.Equal(message, page.FieldError(EmailLabel));
        Assert.Equal("true", page.Control(EmailLabel).GetAttribute("aria-invalid"));
        Assert.Equal(before, await app.OutboxCountAsync());
        Assert.Null((await app.AccountAsync(user.Email))!.RecoveryEmail);
    }

    [Fact]
    public async Task The_sign_in_address_cannot_be_its_own_recovery_email()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;

        var page = await browser.SendRecoveryEmailCodeAsync(user.Email.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.StartsWith("This is the address you sign in with.", page.FieldError(EmailLabel));
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "confirm-recovery-email");
    }

    [Fact]
    public async Task A_new_code_waits_a_minute()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, _) = await app.VerifiedUserAsync();
        using var _b = browser;
        var backup = NewAddress("backup");
        var sent = await browser.SendRecoveryEmailCodeAsync(backup);

        var tooSoon = await sent.Form("Send a new code").SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.Status);
        Assert.NotNull(tooSoon.Response.Headers.RetryAfter);
        Assert.Contains("We sent a code a moment ago", tooSoon.AlertText);
        Assert.Single(await app.MessagesToAsync(backup));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await tooSoon.Form("Send a new code").SubmitAndLoadAsync()).Status);
        Assert.Equal(2, (await app.MessagesToAsync(backup)).Count);
    }

    [Fact]
    public async Task After_ten_minutes_every_handler_asks_for_the_password_first()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var backup = NewAddress("backup");
        clock.Advance(TimeSpan.FromMinutes(9));
        var page = await browser.GetAsync(EmailPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var sent = await browser.SendRecoveryEmailCodeAsync(backup);
        var code = await app.RecoveryEmailCodeAsync(backup);
        clock.Advance(TimeSpan.FromMinutes(2)); // the code is still good; the sign-in is not recent any more

        const string reauthenticate = "/account/reauthenticate?returnUrl=%2Faccount%2Fsecurity%2Frecovery-email";
        (await browser.Http.GetAsync(EmailPath, Ct)).AssertRedirectsTo(reauthenticate);
        (await sent.Form(ConfirmButton).Fill(EmailCodeLabel, code).SubmitAsync()).AssertRedirectsTo(reauthenticate);
        (await page.Form(SendButton).Fill(EmailLabel, NewAddress("other")).SubmitAsync()).AssertRedirectsTo(reauthenticate);
        Assert.Null((await app.AccountAsync(user.Email))!.RecoveryEmail);
        Assert.Single(await app.MessagesToAsync(backup));

        (await browser.ReauthenticateAsync(reauthenticate, user.Password)).AssertRedirectsTo(EmailPath);
        (await sent.Form(ConfirmButton).Fill(EmailCodeLabel, code).SubmitAsync()).AssertRedirectsTo("/account/security?done=recovery-email-saved");
        Assert.Equal(backup, (await app.AccountAsync(user.Email))!.RecoveryEmail);
    }

    [Fact]
    public async Task Forgot_password_sends_the_link_to_a_verified_recovery_email_too_and_finds_the_account_by_it()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        var backup = NewAddress("backup");
        await browser.AddRecoveryEmailAsync(app, backup);
        browser.Dispose();
        var unknown = NewAddress("nobody");

        using var stranded = app.NewBrowser();
        var byRecoveryEmail = await stranded.RequestResetAndLoadAsync(backup.ToUpperInvariant());
        clock.Advance(TimeSpan.FromMinutes(2));
        var byUnknown = await stranded.RequestResetAndLoadAsync(unknown);

        Assert.Equal(byRecoveryEmail.Status, byUnknown.Status);
        Assert.Equal(byRecoveryEmail.MainTextWithoutReference(), byUnknown.MainTextWithoutReference());
        Assert.Empty(await app.MessagesToAsync(unknown));
        var toBackup = await app.NewestResetMessageToAsync(backup);
        var toSignIn = await app.NewestResetMessageToAsync(user.Email);
        Assert.Equal(RecoveryPages.ResetLinkIn(toBackup.TextBody), RecoveryPages.ResetLinkIn(toSignIn.TextBody)); // one link, single use

        var next = $"Recovered harbour lantern {Guid.NewGuid().ToString("N")[..6]}";
        (await stranded.ResetWithLinkAsync(RecoveryPages.ResetLinkIn(toBackup.TextBody), next)).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
        var reused = await stranded.GetAsync(Site.PathOf(RecoveryPages.ResetLinkIn(toSignIn.TextBody)));
        Assert.Equal(HttpStatusCode.Gone, reused.Status);

        // Asked by username, the link goes to both addresses as well.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await stranded.RequestResetAsync(user.Username)).StatusCode);
        Assert.Equal(2, (await app.ResetMessagesToAsync(backup)).Count);
        Assert.Equal(2, (await app.ResetMessagesToAsync(user.Email)).Count);
    }

    [Fact]
    public async Task A_removed_recovery_email_no_longer_gets_links_and_links_it_already_got_stop_working()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var backup = NewAddress("backup");
        await browser.AddRecoveryEmailAsync(app, backup);
        using var stranded = app.NewBrowser();
        await stranded.RequestResetAsync(backup);
        var link = await app.ResetLinkAsync(backup);

        (await browser.PressInRecoverySectionAsync(RemoveEmailButton)).AssertRedirectsTo("/account/security?done=recovery-email-removed");

        var stale = await stranded.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, stale.Status);
        Assert.Contains("expired", stale.Heading);
        clock.Advance(TimeSpan.FromMinutes(5));
        await stranded.RequestResetAsync(backup);
        Assert.Single(await app.ResetMessagesToAsync(backup));
        Assert.True(await app.SignsInAsync(user.Username, user.Password));
    }
}
