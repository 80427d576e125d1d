using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Support;
using static Threshold.Web.Tests.Infrastructure.NoticePages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 7, "This wasn't me": from the login history (signed in) or a notice's link (signed out),
/// one confirmed step ends every session, forgets remembered devices, requires a new password
/// (sending a link for it), records the report and opens a support request. Bad input changes nothing.
/// </summary>
public sealed class NotMeTests
{
    private const string NewPasswordNeeded = "This account needs a new password before anyone can sign in to it.";

    private static Task<IReadOnlyList<SupportRequest>> SupportRequestsAsync(ThresholdFactory app, Guid accountId) =>
        app.QueryAsync<IReadOnlyList<SupportRequest>>(async db => await db.SupportRequests.AsNoTracking().Where(r => r.AccountId == accountId).ToListAsync(Ct));

    private static async Task<Guid> IdOfAsync(ThresholdFactory app, TestUser user) => (await app.AccountAsync(user.Email))!.Id;

    /// <summary>Nothing was done: sessions live on, the password still works, no report.</summary>
    private static async Task AssertNothingDoneAsync(ThresholdFactory app, TestUser user, params Browser[] signedIn)
    {
        foreach (var browser in signedIn) Assert.True(await browser.IsSignedInAsync(), "a session ended although nothing was reported");
        var account = (await app.AccountAsync(user.Email))!;
        Assert.False(account.PasswordResetRequired);
        Assert.Empty(await SupportRequestsAsync(app, account.Id));
        Assert.Empty(await app.MessagesAsync(user.Email, "not-me-secured"));
    }

    private static async Task<Page> SignInPageAsync(ThresholdFactory app, string identifier, string password)
    {
        using var browser = app.NewBrowserAt();
        return await Page.LoadAsync(browser, await browser.SignInAsync(identifier, password));
    }

    [Fact]
    public async Task From_the_login_history_one_confirmation_ends_every_session_requires_a_new_password_and_opens_a_support_request()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var other = app.NewBrowserAt(Lisbon);
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = await IdOfAsync(app, user);
        var reported = await app.LatestEventReferenceAsync(accountId, SecurityEventKind.SignInSucceeded);
        var stampBefore = (await app.AccountAsync(user.Email))!.SecurityStamp;

        // Looking changes nothing.
        var confirm = await browser.GetAsync("/account/not-me?reference=" + reported);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal("This wasn't me", confirm.Heading);
        foreach (var said in new[] { "A sign-in to your account", "UTC", "Lisbon, Portugal", "IP address 203.0.113.7", "Chrome on Windows" })
            Assert.Contains(said, confirm.MainText);
        Assert.True(confirm.HasButton(SecureButton));
        await AssertNothingDoneAsync(app, user, browser, other);

        var done = await confirm.Form(SecureButton).SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Equal("Your account is secured", done.Heading);
        Assert.Contains("Every device was signed out of your account, including this one.", done.MainText);
        Assert.Contains($"We sent a link to set a new password to {user.Email[0]}•••@example.com.", done.MainText);
        Assert.Contains("turn on two-step sign-in", done.MainText);
        Assert.Equal("/account/two-factor", done.Link("Set up two-step sign-in").Href());
        Assert.NotNull(done.Document.QuerySelector("header a[href='/signin']")); // the page is already signed out
        var number = SupportNumberOn(done);

        // Every session ended, this one included; the cookie is gone too.
        Assert.False(await browser.IsSignedInAsync());
        Assert.False(await other.IsSignedInAsync());
        Assert.Equal(0, await app.SessionCountAsync(accountId));
        var account = (await app.AccountAsync(user.Email))!;
        Assert.True(account.PasswordResetRequired);
        Assert.NotEqual(stampBefore, account.SecurityStamp); // remembered devices are bound to the stamp

        var request = Assert.Single(await SupportRequestsAsync(app, accountId));
        Assert.Equal(SupportRequestKind.NotMe, request.Kind);
        Assert.Equal(SupportRequestStatus.Open, request.Status);
        Assert.Equal(reported, request.EventReference);
        Assert.Equal(number, request.Number);
        var report = await app.QueryAsync(db => db.SecurityEvents.AsNoTracking().SingleAsync(e => e.AccountId == accountId && e.Kind == SecurityEventKind.NotMeReported, Ct));
        Assert.Equal("reported:" + reported, report.Reason);

        // The right password no longer signs in, and says why; a wrong one learns nothing.
        var refused = await SignInPageAsync(app, user.Username, user.Password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains(NewPasswordNeeded, refused.AlertText);
        Assert.Contains("Forgot password?", refused.AlertText);
        Assert.NotNull(refused.Reference);
        var wrong = await SignInPageAsync(app, user.Username, user.Password + " typo");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.DoesNotContain("new password", wrong.AlertText);

        // The link sent sets a new password at once, which lifts the ban.
        var secured = Assert.Single(await app.MessagesAsync(user.Email, "not-me-secured"));
        Assert.Contains(number, secured.TextBody);
        using var inbox = app.NewBrowserAt();
        const string next = "Harbour lights at dawn 93";
        (await inbox.ResetWithLinkAsync(RecoveryPages.ResetLinkIn(secured.TextBody), next)).AssertRedirectsTo("/signin?reset=done");
        Assert.False((await app.AccountAsync(user.Email))!.PasswordResetRequired);
        Assert.True(await app.SignsInAsync(user.Username, next));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInPageAsync(app, user.Username, user.Password)).Status);

        // Reporting the same entry again finds the report already made.
        using var again = app.NewBrowserAt();
        (await again.SignInAsync(user.Username, next)).AssertRedirectsTo("/account");
        var replay = await again.GetAsync("/account/not-me?reference=" + reported);
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal("Already reported", replay.Heading);
        Assert.Contains(number, replay.MainText);
        Assert.False(replay.HasButton(SecureButton));
        Assert.True(await again.IsSignedInAsync());
        Assert.Single(await SupportRequestsAsync(app, accountId));
    }

    [Fact]
    public async Task From_the_email_link_signed_out_it_secures_the_account_and_two_step_sign_in_still_applies_after_the_reset()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");
        await browser.SignInWithTotpAsync(user, clock.NextCode(totp.Key));
        // A new device in Berlin, remembered for 30 days: the owner is told.
        using var intruder = app.NewBrowserAt(Berlin, FirefoxOnLinux);
        await intruder.SignInWithTotpAsync(user, clock.NextCode(totp.Key), rememberDevice: true);
        var notice = Assert.Single(await app.MessagesAsync(user.Email, "new-sign-in"));
        var link = AssertSecurityNotice(notice, where: "Berlin, Germany (IP address 198.51.100.7)");
        // Someone else has typed the password and waits for the second step.
        using var waiting = app.NewBrowserAt(Berlin);
        (await waiting.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);

        using var phone = app.NewBrowserAt();
        var confirm = await phone.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Contains("Berlin, Germany", confirm.MainText);
        Assert.Contains("Firefox on Linux", confirm.MainText);
        Assert.True(await intruder.IsSignedInAsync()); // the GET changed nothing
        var done = await confirm.Form(SecureButton).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Equal("Your account is secured", done.Heading);
        var number = SupportNumberOn(done);

        Assert.False(await browser.IsSignedInAsync());
        Assert.False(await intruder.IsSignedInAsync());
        // The password typed before the report no longer leads anywhere, even with the right code.
        var step = await waiting.SecondStepAsync();
        if (step.HasButton(VerifyButton)) await step.EnterCodeAsync(clock.NextCode(totp.Key));
        Assert.False(await waiting.IsSignedInAsync());
        var request = Assert.Single(await SupportRequestsAsync(app, await IdOfAsync(app, user)));
        Assert.Equal(notice.ReferenceCode, request.EventReference);

        // The remembered intruder browser: the old password is refused before anything else.
        var refused = await Page.LoadAsync(intruder, await intruder.SignInAsync(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains(NewPasswordNeeded, refused.AlertText);

        // The reset works; the second factor is still asked afterwards, and the remembered device is forgotten.
        const string next = "Harbour lights at dawn 94";
        var secured = Assert.Single(await app.MessagesAsync(user.Email, "not-me-secured"));
        (await phone.ResetWithLinkAsync(RecoveryPages.ResetLinkIn(secured.TextBody), next)).AssertRedirectsTo("/signin?reset=done");
        (await intruder.SignInAsync(user.Username, next)).AssertRedirectsTo(SecondStepToAccount);
        Assert.False(await intruder.IsSignedInAsync());

        // The same link again: the report was made, and it says so.
        var replay = await phone.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal("Already reported", replay.Heading);
        Assert.Contains(number, replay.MainText);
        var posted = await Page.LoadAsync(phone, await phone.PostFormAsync("/account/not-me",
            [new("__RequestVerificationToken", await phone.AntiforgeryTokenAsync("/signin")), new("t", TokenOf(link))]));
        Assert.Equal(HttpStatusCode.OK, posted.Status);
        Assert.Equal("Already reported", posted.Heading);
        Assert.Single(await SupportRequestsAsync(app, await IdOfAsync(app, user)));
        Assert.Single(await app.MessagesAsync(user.Email, "not-me-secured"));

        // After 7 days the link has expired.
        clock.Advance(TimeSpan.FromDays(7));
        var expired = await phone.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.NotNull(expired.Reference);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("changed")]
    [InlineData("huge")]
    public async Task A_forged_garbled_or_changed_link_is_refused_with_a_reference_and_changes_nothing(string how)
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var other = app.NewBrowserAt(Berlin);
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var token = TokenOf(NotMeLinkIn(Assert.Single(await app.MessagesAsync(user.Email, "new-sign-in")).TextBody));
        var bad = how switch
        {
            "garbage" => "CfDJ8NotARealTokenAtAll",
            "" => "",
            "changed" => token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..],
            _ => new string('A', 5000),
        };

        using var stranger = app.NewBrowserAt();
        var page = await stranger.GetAsync("/account/not-me?t=" + Uri.EscapeDataString(bad));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        Assert.False(page.HasButton(SecureButton));
        var posted = await Page.LoadAsync(stranger, await stranger.PostFormAsync("/account/not-me",
            [new("__RequestVerificationToken", await stranger.AntiforgeryTokenAsync("/signin")), new("t", bad)]));
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.NotNull(posted.Reference);
        await AssertNothingDoneAsync(app, user, browser, other);
    }

    [Fact]
    public async Task Another_accounts_history_entry_is_refused_with_a_reference_and_nothing_is_done()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (alice, aliceUser) = await app.VerifiedUserAsync();
        using var _a = alice;
        await alice.SignOutFromAsync("/account");
        (await alice.SignInAsync(aliceUser.Username, aliceUser.Password)).AssertRedirectsTo("/account");
        var alicesEntry = await app.LatestEventReferenceAsync(await IdOfAsync(app, aliceUser), SecurityEventKind.SignInSucceeded);
        var (bob, bobUser) = await app.VerifiedUserAsync();
        using var _b = bob;

        foreach (var reference in new[] { alicesEntry, "NOT-A-CODE", "", "AAAA-AAAA" })
        {
            var page = await bob.GetAsync("/account/not-me?reference=" + Uri.EscapeDataString(reference));
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Equal("Entry not found", page.Heading);
            Assert.NotNull(page.Reference);
            var posted = await Page.LoadAsync(bob, await bob.PostFormAsync("/account/not-me",
                [new("__RequestVerificationToken", page.AntiforgeryToken()), new("reference", reference)]));
            Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        }
        await AssertNothingDoneAsync(app, aliceUser, alice);
        await AssertNothingDoneAsync(app, bobUser, bob);
    }

    [Fact]
    public async Task A_history_entry_asked_for_signed_out_leads_to_sign_in_first_and_a_post_without_antiforgery_is_refused()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var signedOut = app.NewBrowserAt();
        var response = await signedOut.Http.GetAsync("/account/not-me?reference=AAAA-AAAA", Ct);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith("/signin?returnUrl=", response.RedirectTarget());

        var entry = await app.LatestEventReferenceAsync(await IdOfAsync(app, user), SecurityEventKind.EmailVerified);
        var forged = await browser.PostFormAsync("/account/not-me", [new("reference", entry)]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await AssertNothingDoneAsync(app, user, browser);
    }

    [Fact]
    public async Task A_passkey_does_not_sign_in_either_until_a_new_password_is_set()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        using var authenticator = new SoftwareAuthenticator();
        Assert.Equal(HttpStatusCode.Found, (await browser.AddPasskeyAsync(authenticator, "Blue key")).StatusCode);
        var added = Assert.Single(await app.SecurityChangedToAsync(user.Email), m => m.TextBody.Contains("passkey", StringComparison.Ordinal));

        using var phone = app.NewBrowserAt();
        Assert.Equal("Your account is secured", (await phone.SecureAccountAsync(NotMeLinkIn(added.TextBody))).Heading);

        using var elsewhere = app.NewBrowserAt();
        var refused = await Page.LoadAsync(elsewhere, await elsewhere.SignInWithPasskeyAsync(authenticator.Get));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains(NewPasswordNeeded, refused.AlertText);
        Assert.False(await elsewhere.IsSignedInAsync());
    }

    [Fact]
    public async Task Neither_the_not_me_token_nor_the_reset_link_it_sends_reaches_the_log()
    {
        var logs = new LogCollector();
        var clock = NewClock();
        await using var app = new ThresholdFactory
        {
            Clock = clock, Logs = logs, LogEverything = true,
        };
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var other = app.NewBrowserAt(Berlin);
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var link = NotMeLinkIn(Assert.Single(await app.MessagesAsync(user.Email, "new-sign-in")).TextBody);

        using var phone = app.NewBrowserAt();
        Assert.Equal(HttpStatusCode.OK, (await phone.SecureAccountAsync(link)).Status);
        var reset = RecoveryPages.ResetLinkIn(Assert.Single(await app.MessagesAsync(user.Email, "not-me-secured")).TextBody);

        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { TokenOf(link), Mail.TokenOf(reset) })
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
