using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Sign-in codes by email and by text message, read from the outbox: six digits, once, ten
/// minutes, a new code at most once a minute, five wrong tries; a phone number is proven by
/// a code before it counts; "Try another way" lists every method with masked destinations.
/// </summary>
public sealed class TwoFactorCodeTests
{
    private const string Phone = "+442079460123";
    private const string PhoneAsTyped = "+44 20 7946 0123";

    private static async Task<(Browser Browser, TestUser User)> UserWithEmailCodesAsync(ThresholdFactory app)
    {
        var (browser, user) = await app.VerifiedUserAsync();
        (await browser.TurnOnEmailCodesAsync()).AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");
        Assert.Equal(10, BackupCodesOn(await browser.GetAsync("/account/security/backup-codes?first=true")).Count);
        return (browser, user);
    }

    [Fact]
    public async Task Codes_by_email_need_a_verified_address()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var refused = await Page.LoadAsync(browser, await browser.TurnOnEmailCodesAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Confirm your email address first", refused.AlertText);
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_code_by_email_signs_in_once()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await UserWithEmailCodesAsync(app);
        using var _ = browser;
        var notice = Assert.Single(await app.SecurityChangedToAsync(user.Email), m => m.TextBody.Contains("Sign-in codes by email were turned on.", StringComparison.Ordinal));
        Assert.Equal(SecurityEventKind.FactorEnrolled, (await app.EventAsync(notice.ReferenceCode))!.Kind);
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var message = Assert.Single(await app.SignInCodeMessagesAsync(user.Email));
        Assert.Equal(MessageChannel.Email, message.Channel);
        var code = await app.SignInCodeToAsync(user.Email);
        Assert.Contains(code, message.Subject);
        var step = await browser.SecondStepAsync();
        Assert.Contains("We sent a 6-digit code to", step.MainText);
        Assert.DoesNotContain(user.Email, step.MainText); // masked
        Assert.Contains("@example.com", step.MainText);

        (await step.EnterCodeAsync($"{code[..3]}-{code[3..]}")).AssertRedirectsTo("/account");

        // The same code in the next sign-in: refused (that sign-in has its own code).
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        Assert.Equal(2, (await app.SignInCodeMessagesAsync(user.Email)).Count);
        var replay = await (await browser.SecondStepAsync()).EnterCodeAndLoadAsync(code);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.False(await browser.IsSignedInAsync());
        (await replay.EnterCodeAsync(await app.SignInCodeToAsync(user.Email))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_new_code_waits_a_minute_and_a_code_expires_after_10_minutes()
    {
        var clock = NewClock();
        // A longer second step, so the code's own ten minutes can run out first.
        await using var app = RecoveryPages.NewApp(clock, new Dictionary<string, string?> { ["TwoFactor:SecondStepLifetime"] = "00:30:00" });
        var (browser, user) = await UserWithEmailCodesAsync(app);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        var first = await app.SignInCodeToAsync(user.Email);

        var tooSoon = await step.Form("Send a new code").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.Status);
        Assert.NotNull(tooSoon.Response.Headers.RetryAfter);
        Assert.Contains("We sent a code a moment ago", tooSoon.AlertText);
        Assert.Single(await app.SignInCodeMessagesAsync(user.Email));

        clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await step.EnterCodeAndLoadAsync(first);
        Assert.Equal(HttpStatusCode.BadRequest, expired.Status);
        Assert.Contains("That code has expired", expired.AlertText);
        Assert.False(await browser.IsSignedInAsync());

        var resent = await expired.Form("Send a new code").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Contains("We sent a new code to", resent.MainText);
        Assert.Equal(2, (await app.SignInCodeMessagesAsync(user.Email)).Count);
        var second = await app.SignInCodeToAsync(user.Email);
        clock.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(50));
        (await resent.EnterCodeAsync(second)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Five_wrong_tries_use_up_the_code_and_a_new_one_is_needed()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await UserWithEmailCodesAsync(app);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var code = await app.SignInCodeToAsync(user.Email);
        var wrong = Enumerable.Range(0, 10).Select(i => ((int.Parse(code) + 1 + i * 7) % 1_000_000).ToString("D6")).ToList();
        Page page = await browser.SecondStepAsync();
        for (var i = 0; i < 4; i++)
        {
            page = await page.EnterCodeAndLoadAsync(wrong[i]);
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Equal($"That code is not right. You have {4 - i} more tries with this code.", page.FieldError(CodeLabel));
        }
        page = await page.EnterCodeAndLoadAsync(wrong[4]);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("entered wrongly too many times. Send a new code.", page.AlertText);

        // The right code no longer works, even after the slow-down has passed.
        clock.Advance(TimeSpan.FromSeconds(31));
        var right = await page.EnterCodeAndLoadAsync(code);
        Assert.NotEqual(HttpStatusCode.Found, right.Status);
        Assert.Contains("too many times", right.AlertText);
        Assert.False(await browser.IsSignedInAsync());

        clock.Advance(TimeSpan.FromMinutes(2));
        var resent = await right.Form("Send a new code").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        var fresh = await app.SignInCodeToAsync(user.Email);
        (await resent.EnterCodeAsync(fresh)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Text_message_codes_are_turned_on_with_a_confirmed_number_and_sign_in()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;

        var phonePage = await browser.GetAsync("/account/security/phone");
        Assert.Contains("An authenticator app or a passkey is safer", phonePage.MainText);
        var bad = await browser.SendPhoneCodeAsync("call me maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("international format", bad.FieldError("Mobile phone number"));
        Assert.Equal("true", bad.Control("Mobile phone number").GetAttribute("aria-invalid"));

        var turnedOn = await browser.TurnOnTextMessagesAsync(app, PhoneAsTyped, Phone);
        turnedOn.AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");
        var account = (await app.AccountAsync(user.Email))!;
        Assert.Equal(Phone, account.PhoneNumber);
        Assert.True(account.PhoneNumberConfirmed);
        Assert.Contains(await app.SecurityChangedToAsync(Phone), m => m.Channel == MessageChannel.Sms);
        Assert.Contains("Text message to", (await browser.GetAsync("/account/security")).MainText);

        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var sms = Assert.Single(await app.SignInCodeMessagesAsync(Phone));
        Assert.Equal(MessageChannel.Sms, sms.Channel);
        var step = await browser.SecondStepAsync();
        Assert.DoesNotContain(Phone, step.MainText);
        Assert.DoesNotContain(PhoneAsTyped, step.MainText);
        (await step.EnterCodeAsync(await app.SignInCodeToAsync(Phone))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_wrong_phone_confirmation_code_does_not_turn_text_messages_on()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var sent = await browser.SendPhoneCodeAsync(PhoneAsTyped);
        var code = RecoveryPages.CodeIn(Assert.Single(await app.MessagesToAsync(Phone), m => m.Template == "confirm-phone").TextBody);
        var wrong = ((int.Parse(code) + 1) % 1_000_000).ToString("D6");
        var page = await sent.Form(TurnOnButton).Fill("Code from the text message", wrong).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("That code is not right", page.FieldError("Code from the text message"));
        Assert.False((await app.AccountAsync(user.Email))!.PhoneNumberConfirmed);
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Try_another_way_lists_every_method_masked_and_no_phone_leads_to_backup_codes_and_help()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        (await browser.TurnOnEmailCodesAsync()).AssertRedirectsTo("/account/security?done=email-on");
        (await browser.TurnOnTextMessagesAsync(app, PhoneAsTyped, Phone)).AssertRedirectsTo("/account/security?done=sms-on");
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        Assert.Contains("authenticator app", step.MainText); // the strongest first
        Assert.Empty(await app.SignInCodeMessagesAsync(user.Email));
        var choose = await browser.GetAsync(step.Link("Try another way").Href());
        Assert.Equal(HttpStatusCode.OK, choose.Status);
        Assert.Equal("Choose another way", choose.Heading);
        var items = choose.Document.QuerySelectorAll("main ul.methods li").Select(li => Page.Normalize(li.TextContent)).ToList();
        Assert.Equal(4, items.Count);
        Assert.Equal("Get a code from your authenticator app", items[0]);
        Assert.StartsWith("Text a code to +", items[1]);
        Assert.StartsWith("Email a code to ", items[2]);
        Assert.Equal("Enter a backup code", items[3]);
        Assert.DoesNotContain(user.Email, choose.MainText);
        Assert.DoesNotContain(Phone, choose.MainText);
        Assert.DoesNotContain("7946 0123", choose.MainText);
        Assert.EndsWith("23", items[1]);
        Assert.NotNull(choose.Link("Can't sign in? Get help"));

        // Choosing email sends a code there, which finishes the sign-in.
        var emailed = await choose.FormWhere(b => b.StartsWith("Email a code to ", StringComparison.Ordinal)).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, emailed.Status);
        Assert.True(emailed.HasControl(CodeLabel));
        (await emailed.EnterCodeAsync(await app.SignInCodeToAsync(user.Email))).AssertRedirectsTo("/account");

        // "I don't have my phone" → backup codes → the way to a person.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var noPhone = await browser.GetAsync((await browser.SecondStepAsync()).Link("I don't have my phone").Href());
        Assert.True(noPhone.HasControl(BackupCodeLabel));
        var help = noPhone.Link("I don't have my phone or my backup codes");
        Assert.Equal("/help/cant-sign-in", help.Href());
        var helpPage = await browser.GetAsync(help.Href());
        Assert.Equal(HttpStatusCode.OK, helpPage.Status);
        Assert.Equal("Can't sign in?", helpPage.Heading);
        (await noPhone.EnterCodeAsync(totp.BackupCodes[0])).AssertRedirectsTo("/account");
    }
}
