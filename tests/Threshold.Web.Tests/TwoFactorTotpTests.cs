using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// The authenticator app through the real pages: set up with a key shown as text and a QR code,
/// confirmed with a code computed by oathtool; then every sign-in asks for a code, each code
/// (time step) works once, mistyped input is not counted, and wrong answers slow down after five.
/// </summary>
public sealed class TwoFactorTotpTests
{
    [Fact]
    public async Task Setting_up_an_authenticator_app_shows_the_key_and_QR_then_backup_codes_and_tells_the_person()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        var accountId = (await app.AccountAsync(user.Email))!.Id;

        var security = await browser.GetAsync("/account/security");
        Assert.Contains("Two-step sign-in is off.", security.MainText);
        var choice = await browser.MethodChoiceAsync();
        Assert.Equal("/account/two-factor", choice.Url.AbsolutePath);
        var page = await browser.AuthenticatorPageAsync(choice);
        Assert.Equal("/account/security/authenticator", page.Url.AbsolutePath);

        // The key as text, in groups of four, 160 bits (32 base32 characters); the QR code has alt text.
        var key = TotpKeyOn(page);
        Assert.Matches("^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$", key);
        var qr = page.Document.QuerySelector("main img");
        Assert.NotNull(qr);
        Assert.StartsWith("data:image/png;base64,", qr.GetAttribute("src"));
        Page.AssertIsSentence(qr.GetAttribute("alt"));
        // A reload shows the same key (the app may already have it), not a new one.
        Assert.Equal(key, TotpKeyOn(await browser.AuthenticatorPageAsync()));

        // Nothing is enrolled half-way: the unconfirmed key does not turn on a second step.
        using (var other = app.NewBrowser())
            (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        // A wrong code does not turn it on.
        var wrong = await Page.LoadAsync(browser, await page.TurnOnAuthenticatorAsync(clock.WrongCode(key)));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("That code is not right", wrong.FieldError(AppCodeLabel));
        Assert.Equal(key, TotpKeyOn(wrong));
        Assert.Empty(await app.SecurityChangedToAsync(user.Email));

        var code = OathTool.Totp(key, clock.GetUtcNow());
        var turnedOn = await wrong.TurnOnAuthenticatorAsync(code);
        turnedOn.AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");

        var codesPage = await browser.FollowAsync(turnedOn);
        Assert.Equal(HttpStatusCode.OK, codesPage.Status);
        Assert.Contains("Two-step sign-in is on.", Page.Normalize(codesPage.Document.QuerySelector("[role=status]")?.TextContent));
        var codes = BackupCodesOn(codesPage);
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$", c));
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Equal(10, await app.BackupCodeCountAsync(accountId));
        // Shown once: opening the page again shows how many are left, not the codes.
        var again = await browser.GetAsync(codesPage.Url.PathAndQuery);
        Assert.Empty(BackupCodesOn(again));
        Assert.Contains("You have 10 unused backup codes.", again.MainText);
        Assert.All(codes, c => Assert.DoesNotContain(c, again.Html));

        // The verified address is told, with the change in a sentence and no link to sign in.
        // (Making the first backup codes is a change of its own, told in a second message.)
        var notice = Assert.Single(await app.SecurityChangedToAsync(user.Email), m => m.TextBody.Contains("authenticator app", StringComparison.Ordinal));
        Assert.Equal(MessageChannel.Email, notice.Channel);
        Assert.Contains("sign-in settings changed", notice.Subject);
        Assert.Contains("An authenticator app was set up for two-step sign-in.", notice.TextBody);
        // Its one link is "This wasn't me"; nothing leads to signing in.
        NoticePages.AssertSecurityNotice(notice);
        Assert.DoesNotContain(key.Replace(" ", ""), notice.TextBody);
        var enrolled = await app.EventAsync(notice.ReferenceCode);
        Assert.NotNull(enrolled);
        Assert.Equal(SecurityEventKind.FactorEnrolled, enrolled.Kind);
        Assert.Equal(accountId, enrolled.AccountId);

        var after = await browser.GetAsync("/account/security");
        Assert.Contains("Two-step sign-in is on.", after.MainText);
        Assert.Contains("Authenticator app", after.MainText);
    }

    [Fact]
    public async Task After_the_password_the_code_from_the_app_signs_in_once_and_a_wrong_one_is_refused()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        // The password alone gives no session, only the second step (and keeps the returnUrl).
        var password = await browser.SignInAsync(user.Username, user.Password, returnUrl: "/account/security");
        password.AssertRedirectsTo("/signin/two-factor?returnUrl=%2Faccount%2Fsecurity");
        Assert.Null(password.SetCookie(Browser.SessionCookie));
        Assert.False(await browser.IsSignedInAsync());
        var step = await browser.SecondStepAsync("?returnUrl=%2Faccount%2Fsecurity");
        Assert.Equal(HttpStatusCode.OK, step.Status);
        Assert.Equal("Two-step sign-in", step.Heading);
        Assert.Contains("authenticator app", step.MainText);

        var wrong = await step.EnterCodeAndLoadAsync(clock.WrongCode(totp.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("That code is not right. Check it and try again.", wrong.FieldError(CodeLabel));
        Assert.NotNull(wrong.Reference);
        Assert.False(await browser.IsSignedInAsync());

        var code = clock.NextCode(totp.Key);
        (await wrong.EnterCodeAsync(code)).AssertRedirectsTo("/account/security");
        Assert.True(await browser.IsSignedInAsync());
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        Assert.Equal(1, await app.SessionCountAsync(accountId));

        // The same code (same time step) again, in a new sign-in: refused.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var replay = await (await browser.SecondStepAsync()).EnterCodeAndLoadAsync(code);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal("That code is not right. Check it and try again.", replay.FieldError(CodeLabel));
        Assert.False(await browser.IsSignedInAsync());

        // The next code, typed with spaces and dashes, is fine.
        var next = clock.NextCode(totp.Key);
        (await replay.EnterCodeAsync($" {next[..3]} -{next[3..]} ")).AssertRedirectsTo("/account");
        Assert.True(await browser.IsSignedInAsync());
    }

    [Theory]
    [InlineData("abcdef")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("100 digits")]
    public async Task Letters_or_the_wrong_length_get_a_clear_message_and_are_not_counted(string typed)
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");
        if (typed == "100 digits") typed = new string('7', 100);

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        Page page = step;
        for (var i = 0; i < 6; i++)
        {
            page = await page.EnterCodeAndLoadAsync(typed);
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Equal("Enter the 6-digit code. Spaces and dashes are fine.", page.FieldError(CodeLabel));
            Assert.Equal("true", page.Control(CodeLabel).GetAttribute("aria-invalid"));
            Assert.Null(page.Response.Headers.RetryAfter);
        }
        Assert.Equal(0, (await app.AccountAsync(user.Email))!.SecondFactorFailures);
        // Six mistypes later the right code still works at once: nothing was counted.
        (await page.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task The_second_step_expires_10_minutes_after_the_password()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await step.EnterCodeAndLoadAsync(OathTool.Totp(totp.Key, clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("This sign-in has expired", expired.Heading);
        Assert.NotNull(expired.Reference);
        Assert.Equal("/signin?returnUrl=%2Faccount", expired.Link("Sign in again").Href());
        Assert.False(await browser.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.Gone, (await browser.SecondStepAsync()).Status);

        // Within the ten minutes it works.
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        step = await browser.SecondStepAsync();
        clock.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(30));
        (await step.EnterCodeAsync(OathTool.Totp(totp.Key, clock.GetUtcNow()))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task After_five_wrong_codes_the_next_try_waits_and_password_failures_are_counted_apart()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        // Wrong passwords do not count against the second factor.
        using (var typo = app.NewBrowser())
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await typo.SignInAsync(user.Username, user.Password + " wrong")).StatusCode);
        Assert.Equal(0, (await app.AccountAsync(user.Email))!.SecondFactorFailures);

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        Page page = await browser.SecondStepAsync();
        for (var i = 0; i < 4; i++)
        {
            page = await page.EnterCodeAndLoadAsync(clock.WrongCode(totp.Key, i));
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Null(page.Response.Headers.RetryAfter);
        }
        page = await page.EnterCodeAndLoadAsync(clock.WrongCode(totp.Key, 4));
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Equal("30", page.Response.Headers.RetryAfter?.ToString());
        Assert.Contains("Wait 30 seconds before the next try.", page.FieldError(CodeLabel));

        // Even the right code has to wait now.
        var early = await page.EnterCodeAndLoadAsync(OathTool.Totp(totp.Key, clock.GetUtcNow().AddSeconds(25)));
        Assert.Equal(HttpStatusCode.TooManyRequests, early.Status);
        Assert.NotNull(early.Response.Headers.RetryAfter);
        Assert.Contains("Too many wrong answers", early.AlertText);
        Assert.NotNull(early.Reference);
        Assert.False(await browser.IsSignedInAsync());

        // The password still works elsewhere (it leads to the second step, not to a lock-out).
        using (var other = app.NewBrowser())
        {
            (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
            Assert.Equal(HttpStatusCode.Unauthorized, (await other.SignInAsync(user.Username, user.Password + " wrong")).StatusCode);
        }
        Assert.Equal(5, (await app.AccountAsync(user.Email))!.SecondFactorFailures);

        // After the wait, the right code signs in and the count starts again.
        clock.Advance(TimeSpan.FromSeconds(31));
        (await early.EnterCodeAsync(OathTool.Totp(totp.Key, clock.GetUtcNow()))).AssertRedirectsTo("/account");
        Assert.Equal(0, (await app.AccountAsync(user.Email))!.SecondFactorFailures);
    }

    [Fact]
    public async Task A_password_reset_does_not_bypass_the_second_step()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        using var reset = app.NewBrowser();
        await reset.RequestResetAsync(user.Email);
        var next = "Fresh meadow compass " + Guid.NewGuid().ToString("N")[..6];
        (await reset.ResetWithLinkAsync(await app.ResetLinkAsync(user.Email), next)).AssertRedirectsTo("/signin?reset=done");
        Assert.False(await reset.IsSignedInAsync());

        (await reset.SignInAsync(user.Username, next)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await reset.IsSignedInAsync());
        var step = await reset.SecondStepAsync();
        Assert.Equal(HttpStatusCode.OK, step.Status);
        (await step.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_code_from_another_accounts_app_does_not_finish_this_sign_in()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (alice, aliceUser, _) = await app.UserWithTotpAsync(clock);
        var (bob, _, bobTotp) = await app.UserWithTotpAsync(clock);
        using var _a = alice;
        using var _b = bob;
        await alice.SignOutFromAsync("/account");

        (await alice.SignInAsync(aliceUser.Username, aliceUser.Password)).AssertRedirectsTo(SecondStepToAccount);
        var page = await (await alice.SecondStepAsync()).EnterCodeAndLoadAsync(clock.NextCode(bobTotp.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.False(await alice.IsSignedInAsync());
    }
}
