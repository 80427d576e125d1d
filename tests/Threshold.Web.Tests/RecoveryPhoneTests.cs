using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.RecoveryInfoPages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// /account/security/recovery-phone: a number counts once the texted code comes back (stored
/// as E.164, sign-in codes stay off), a change and a removal tell the old and the new number,
/// an unparseable number is refused with a field error, removing turns text-message codes and
/// alerts off, and the alerts preference needs a confirmed phone.
/// </summary>
public sealed class RecoveryPhoneTests
{
    private const string Phone = "+442079460123";
    private const string PhoneAsTyped = "+44 20 7946 0123";
    private const string Other = "+14155552671";
    private const string OtherAsTyped = "+1 (415) 555-2671";

    [Fact]
    public async Task A_number_is_verified_by_a_texted_code_and_then_lets_its_owner_reset_the_password()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;

        var sent = await browser.SendRecoveryPhoneCodeAsync(PhoneAsTyped);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("We sent a code to +44 20 7946 0123.", sent.MainText);
        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber); // not before the code comes back

        var saved = await sent.Form(ConfirmButton).Fill(SmsCodeLabel, await app.PhoneCodeAsync(Phone)).SubmitAsync();

        saved.AssertRedirectsTo("/account/security?done=recovery-phone-saved");
        var account = (await app.AccountAsync(user.Email))!;
        Assert.Equal(Phone, account.PhoneNumber);
        Assert.True(account.PhoneNumberConfirmed);
        Assert.False(account.SmsCodesEnabled); // a recovery number is not a sign-in factor
        var security = await browser.FollowAsync(saved);
        Assert.Contains("+44 20 7946 0123 Verified", security.RecoverySection());
        Assert.Contains("Two-step sign-in is off", security.MainText);
        var notice = Assert.Single(await app.SecurityChangedToAsync(Phone));
        Assert.Contains("phone number was added", notice.TextBody);
        Assert.Equal(SecurityEventKind.RecoveryInfoChanged, (await app.EventAsync(notice.ReferenceCode))!.Kind);
        Assert.Single(await app.SecurityChangedToAsync(user.Email));

        // Signing in still takes only the password; "Forgot password?" can now text a code.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var stranded = app.NewBrowser();
        (await stranded.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        Assert.Equal(MessageChannel.Sms, (await app.NewestResetMessageToAsync(Phone)).Channel);
    }

    [Fact]
    public async Task A_recovery_number_can_take_sign_in_codes_later_without_a_new_code()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        await browser.AddRecoveryPhoneAsync(app, PhoneAsTyped, Phone);
        var texts = (await app.MessagesToAsync(Phone)).Count;

        var page = await browser.GetAsync("/account/security/phone");
        Assert.Contains("Your phone number +44 20 7946 0123 is already confirmed.", page.MainText);
        (await page.Form("Send sign-in codes to this number").SubmitAsync())
            .AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");

        Assert.True((await app.AccountAsync(user.Email))!.SmsCodesEnabled);
        Assert.Contains("codes by text message were turned on", (await app.SecurityChangedToAsync(Phone)).Last().TextBody);
        Assert.Equal(texts + 1, (await app.MessagesToAsync(Phone)).Count); // the notice, no confirmation code
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
    }

    [Fact]
    public async Task Changing_the_number_tells_the_old_and_the_new_one_and_keeps_sign_in_codes_on()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        (await browser.TurnOnTextMessagesAsync(app, PhoneAsTyped, Phone)).AssertRedirectsTo(
            "/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");

        var sent = await browser.SendRecoveryPhoneCodeAsync(OtherAsTyped);
        Assert.Equal(Phone, (await app.AccountAsync(user.Email))!.PhoneNumber); // the old number stays until the code comes back
        (await sent.Form(ConfirmButton).Fill(SmsCodeLabel, await app.PhoneCodeAsync(Other)).SubmitAsync())
            .AssertRedirectsTo("/account/security?done=recovery-phone-saved");

        var account = (await app.AccountAsync(user.Email))!;
        Assert.Equal(Other, account.PhoneNumber);
        Assert.True(account.SmsCodesEnabled);
        var toOld = (await app.SecurityChangedToAsync(Phone)).Last();
        var toNew = Assert.Single(await app.SecurityChangedToAsync(Other));
        Assert.Contains("phone number on your account was changed", toOld.TextBody);
        Assert.Equal(toOld.ReferenceCode, toNew.ReferenceCode);
        Assert.Contains(await app.SecurityChangedToAsync(user.Email), m => m.ReferenceCode == toNew.ReferenceCode);
        var changed = (await app.EventAsync(toNew.ReferenceCode))!;
        Assert.Equal(("recovery-phone-changed", account.Id), (changed.Reason, changed.AccountId));

        // Sign-in codes now go to the new number.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        Assert.Single(await app.SignInCodeMessagesAsync(Other));
        Assert.Empty(await app.SignInCodeMessagesAsync(Phone));
    }

    [Fact]
    public async Task Removing_the_number_tells_it_and_turns_text_message_codes_and_alerts_off()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        await browser.TurnOnTextMessagesAsync(app, PhoneAsTyped, Phone);
        Assert.Equal(HttpStatusCode.OK, (await browser.SaveSmsAlertsAsync(true)).Status);
        Assert.True((await app.AccountAsync(user.Email))!.SecurityAlertsBySms);

        var page = await browser.GetAsync(PhonePath);
        Assert.Contains("Removing the number also turns off sign-in codes and security alerts by text message.", page.MainText);
        (await page.Form(RemovePhoneButton).SubmitAsync()).AssertRedirectsTo("/account/security?done=recovery-phone-removed");

        var account = (await app.AccountAsync(user.Email))!;
        Assert.Null(account.PhoneNumber);
        Assert.False(account.PhoneNumberConfirmed);
        Assert.False(account.SmsCodesEnabled);
        Assert.False(account.SecurityAlertsBySms);
        Assert.Contains("phone number was removed", (await app.SecurityChangedToAsync(Phone)).Last().TextBody);
        Assert.Contains("phone number was removed", (await app.SecurityChangedToAsync(user.Email)).Last().TextBody);
        var security = await browser.GetAsync("/account/security");
        Assert.Contains("Recovery phone None yet.", security.RecoverySection());
        Assert.False(security.HasControl(AlertsLabel));

        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account"); // no second step is left
    }

    [Fact]
    public async Task The_remove_button_on_the_security_page_works_too()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        await browser.AddRecoveryPhoneAsync(app, PhoneAsTyped, Phone);

        (await browser.PressInRecoverySectionAsync(RemovePhoneButton)).AssertRedirectsTo("/account/security?done=recovery-phone-removed");

        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber);
    }

    [Theory]
    [InlineData("call me maybe")]
    [InlineData("020 7946 0123")]     // no country code
    [InlineData("+44 20 7946")]       // not a whole number
    [InlineData("+44 7700 900123")]   // not in the UK numbering plan
    [InlineData("+44 20 7946 0123 ext 7")]
    public async Task An_unparseable_number_gets_a_field_error_and_nothing_is_sent_or_saved(string typed)
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var before = await app.OutboxCountAsync();

        var page = await browser.SendRecoveryPhoneCodeAsync(typed);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Alert);
        Assert.NotNull(page.Reference);
        Assert.Contains("international format", page.FieldError(PhoneLabel));
        Assert.Equal("true", page.Control(PhoneLabel).GetAttribute("aria-invalid"));
        Assert.Equal(typed, page.Control(PhoneLabel).GetAttribute("value"));
        Assert.Equal(before, await app.OutboxCountAsync());
        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber);
    }

    [Fact]
    public async Task A_confirmation_with_a_number_other_than_the_one_the_code_went_to_saves_nothing()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var sent = await browser.SendRecoveryPhoneCodeAsync(PhoneAsTyped);
        var code = await app.PhoneCodeAsync(Phone);

        // The hidden number swapped for another: the code belongs to the number it was texted to.
        var swapped = await sent.Form(ConfirmButton).Set("PhoneNumber", OtherAsTyped).Fill(SmsCodeLabel, code).SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, swapped.Status);
        Assert.Contains("Send a new code", swapped.AlertText);
        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber);
        // In another session the right pair does not work either.
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var elsewhere = await (await other.SendRecoveryPhoneCodeAsync(OtherAsTyped)).Form(ConfirmButton)
            .Set("PhoneNumber", PhoneAsTyped).Fill(SmsCodeLabel, code).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.Status);
        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber);
    }

    [Fact]
    public async Task After_ten_minutes_the_phone_page_and_its_remove_button_ask_for_the_password_first()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        await browser.AddRecoveryPhoneAsync(app, PhoneAsTyped, Phone);
        clock.Advance(TimeSpan.FromMinutes(11));

        const string reauthenticate = "/account/reauthenticate?returnUrl=%2Faccount%2Fsecurity%2Frecovery-phone";
        (await browser.Http.GetAsync(PhonePath, Ct)).AssertRedirectsTo(reauthenticate);
        (await browser.PressInRecoverySectionAsync(RemovePhoneButton)).AssertRedirectsTo(reauthenticate);
        Assert.Equal(Phone, (await app.AccountAsync(user.Email))!.PhoneNumber);

        (await browser.ReauthenticateAsync(reauthenticate, user.Password)).AssertRedirectsTo(PhonePath);
        (await (await browser.GetAsync(PhonePath)).Form(RemovePhoneButton).SubmitAsync()).AssertRedirectsTo("/account/security?done=recovery-phone-removed");
        Assert.Null((await app.AccountAsync(user.Email))!.PhoneNumber);
    }

    [Fact]
    public async Task Alerts_by_text_message_are_saved_only_with_a_confirmed_phone_and_need_no_re_authentication()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;

        // Without a phone the page does not offer it; a hand-made post is refused.
        var security = await browser.GetAsync("/account/security");
        Assert.False(security.HasControl(AlertsLabel));
        Assert.Contains("Add a phone number to get security alerts by text message", security.MainText);
        var forged = await Page.LoadAsync(browser, await browser.PostFormAsync("/account/security?handler=Alerts",
            [new("__RequestVerificationToken", security.AntiforgeryToken()), new("SmsAlerts", "true")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Contains("Add a phone number first", forged.AlertText);
        Assert.NotNull(forged.Reference);
        Assert.False((await app.AccountAsync(user.Email))!.SecurityAlertsBySms);

        await browser.AddRecoveryPhoneAsync(app, PhoneAsTyped, Phone);
        clock.Advance(TimeSpan.FromMinutes(30)); // long past the re-authentication window
        var on = await browser.SaveSmsAlertsAsync(true);
        Assert.Equal(HttpStatusCode.OK, on.Status);
        Assert.Contains("Your alert settings were saved.", on.MainText);
        Assert.True(on.Control(AlertsLabel).HasAttribute("checked"));
        Assert.True((await app.AccountAsync(user.Email))!.SecurityAlertsBySms);
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        Assert.Equal(1, await app.QueryAsync(db => db.SecurityEvents.CountAsync(
            e => e.AccountId == accountId && e.Kind == SecurityEventKind.RecoveryInfoChanged && e.Reason == "sms-alerts-on", Ct)));

        Assert.Equal(HttpStatusCode.OK, (await browser.SaveSmsAlertsAsync(false)).Status);
        Assert.False((await app.AccountAsync(user.Email))!.SecurityAlertsBySms);
    }
}
