using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.NoticePages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 7, security notifications: a new device or country, a password change, two-step and
/// passkey changes, recovery changes (through FactorChanges), sign-in paused. Each email says
/// what, when and from where, links only to "This wasn't me", never to signing in, and goes to
/// every verified address, the recovery email included.
/// </summary>
public sealed class SecurityNoticeTests
{
    private const string Backup = "backup.{0}@example.org";

    /// <summary>A verified account with a verified recovery email that has signed in once with its password, from Lisbon in Chrome.</summary>
    private static async Task<(Browser Browser, TestUser User, string Recovery)> OwnerAsync(ThresholdFactory app)
    {
        var (first, user) = await app.VerifiedUserAsync();
        first.Dispose();
        var recovery = string.Format(Backup, user.Username.ToLowerInvariant());
        await app.SetVerifiedRecoveryEmailAsync(user.Email, recovery);
        var browser = app.NewBrowserAt(Lisbon);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        Assert.Empty(await app.MessagesAsync(user.Email, "new-sign-in")); // the first password sign-in is nobody's news
        return (browser, user, recovery);
    }

    private static async Task<(OutboxMessage Primary, OutboxMessage Recovery)> ToBothAsync(ThresholdFactory app, TestUser user, string recovery,
        string template)
    {
        var primary = Assert.Single(await app.MessagesAsync(user.Email, template));
        var copy = Assert.Single(await app.MessagesAsync(recovery, template));
        Assert.Equal(primary.ReferenceCode, copy.ReferenceCode);
        Assert.Equal(NotMeLinkIn(primary.TextBody), NotMeLinkIn(copy.TextBody));
        return (primary, copy);
    }

    [Fact]
    public async Task A_sign_in_from_a_new_device_is_told_to_every_verified_address_with_when_where_and_device()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;

        // The same browser again: nothing to tell.
        await browser.SignOutFromAsync("/account");
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        Assert.Empty(await app.MessagesAsync(user.Email, "new-sign-in"));

        using var other = app.NewBrowserAt("203.0.113.8", FirefoxOnLinux);
        (await other.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");

        var (notice, copy) = await ToBothAsync(app, user, recovery, "new-sign-in");
        foreach (var message in new[] { notice, copy })
            AssertSecurityNotice(message, where: "Lisbon, Portugal (IP address 203.0.113.8)", device: "Firefox on Linux");
        Assert.Contains("New sign-in", notice.Subject);
        Assert.Contains("signed in to from a device that has not signed in to it before", notice.TextBody);
        Assert.Contains("When: " + clock.GetUtcNow().UtcDateTime.ToString("f", new System.Globalization.CultureInfo("en")) + " UTC", notice.TextBody);
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        Assert.Equal(await app.LatestEventReferenceAsync(accountId, SecurityEventKind.SignInSucceeded), notice.ReferenceCode);
        // Only once for this device.
        await other.SignOutFromAsync("/account");
        (await other.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        Assert.Single(await app.MessagesAsync(user.Email, "new-sign-in"));
    }

    [Fact]
    public async Task A_known_device_signing_in_from_a_new_country_is_told_as_a_new_country()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        browser.From(Berlin);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var (notice, _) = await ToBothAsync(app, user, recovery, "new-sign-in");
        AssertSecurityNotice(notice, where: "Berlin, Germany (IP address 198.51.100.7)", device: "Chrome on Windows");
        Assert.Contains("signed in to from a country it has not been signed in from before", notice.TextBody);
    }

    [Fact]
    public async Task A_sign_in_after_the_second_step_is_told_and_texted_when_the_owner_chose_alerts_by_text()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");
        await browser.SignInWithTotpAsync(user, clock.NextCode(totp.Key));
        Assert.Empty(await app.MessagesAsync(user.Email, "new-sign-in"));
        const string phone = "+447700900123";
        await app.SetConfirmedPhoneAsync(user.Email, phone);
        await app.QueryAsync(db => db.Users.Where(a => a.Email == user.Email).ExecuteUpdateAsync(s => s.SetProperty(a => a.SecurityAlertsBySms, true), Ct));

        using var other = app.NewBrowserAt(Lisbon);
        await other.SignInWithTotpAsync(user, clock.NextCode(totp.Key));

        AssertSecurityNotice(Assert.Single(await app.MessagesAsync(user.Email, "new-sign-in")), where: "Lisbon, Portugal (IP address 203.0.113.7)");
        var text = Assert.Single(await app.MessagesAsync(phone, "new-sign-in"));
        Assert.Equal(MessageChannel.Sms, text.Channel);
        Assert.Contains("Lisbon, Portugal", text.TextBody);
        Assert.DoesNotContain("http", text.TextBody);
    }

    [Fact]
    public async Task A_password_change_is_told_to_every_verified_address_with_a_not_me_link()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;

        var page = await browser.ChangePasswordAsync(user.Password, "A brand new passphrase 77");
        Assert.Equal(HttpStatusCode.OK, page.Status);

        var (notice, _) = await ToBothAsync(app, user, recovery, "password-changed");
        AssertSecurityNotice(notice, where: "Lisbon, Portugal (IP address 203.0.113.7)", device: "Chrome on Windows");
        Assert.Contains("password of your Threshold account was changed", notice.TextBody);
        Assert.Equal(SecurityEventKind.PasswordChanged, (await app.EventAsync(notice.ReferenceCode))!.Kind);
    }

    [Fact]
    public async Task Two_step_and_passkey_changes_are_told_to_every_verified_address_with_a_not_me_link()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;

        await browser.EnrolTotpAsync(clock);
        using var authenticator = new SoftwareAuthenticator();
        Assert.Equal(HttpStatusCode.Found, (await browser.AddPasskeyAsync(authenticator, "Blue key")).StatusCode);
        var passkeys = await browser.GetAsync("/account/security/passkeys");
        (await passkeys.Form("Remove").SubmitAsync()).EnsureSuccessOrRedirect();

        var changes = await app.SecurityChangedToAsync(user.Email);
        var copies = await app.SecurityChangedToAsync(recovery);
        foreach (var sentence in new[]
                 {
                     "An authenticator app was set up for two-step sign-in.", "A passkey or security key was added.", "A passkey or security key was removed.",
                 })
        {
            var notice = Assert.Single(changes, m => m.TextBody.Contains(sentence, StringComparison.Ordinal));
            Assert.Single(copies, m => m.ReferenceCode == notice.ReferenceCode);
            AssertSecurityNotice(notice, where: "Lisbon, Portugal (IP address 203.0.113.7)", device: "Chrome on Windows");
            var recorded = await app.EventAsync(notice.ReferenceCode);
            Assert.True(recorded!.Kind is SecurityEventKind.FactorEnrolled or SecurityEventKind.FactorRemoved);
        }
    }

    [Fact]
    public async Task Any_change_described_through_FactorChanges_such_as_recovery_info_reaches_every_verified_contact_and_its_link_names_the_change()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;
        const string phone = "+447700900124";
        await app.SetConfirmedPhoneAsync(user.Email, phone);
        var client = new ClientInfo(Berlin, FirefoxOnLinux) { Place = new KnownPlaces().Locate(Berlin) };

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var account = (await scope.ServiceProvider.GetRequiredService<IAccountStore>().FindByIdentifierAsync(user.Email.ToUpperInvariant(), Ct))!;
            var change = scope.ServiceProvider.GetRequiredService<FactorChanges>()
                .Describe(account, "phone-confirmed", SecurityEventKind.RecoveryInfoChanged, client, ReferenceCode.New());
            await scope.ServiceProvider.GetRequiredService<IAccountStore>().RecordAsync(change.Messages, change.Event, Ct);
        }

        var (notice, _) = await ToBothAsync(app, user, recovery, "security-changed");
        var link = AssertSecurityNotice(notice, where: "Berlin, Germany (IP address 198.51.100.7)", device: "Firefox on Linux");
        var text = Assert.Single(await app.MessagesAsync(phone, "security-changed"));
        Assert.DoesNotContain("http", text.TextBody);
        // The link leads to the change itself.
        using var signedOut = app.NewBrowserAt();
        var page = await signedOut.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("A change to your recovery email or phone", page.MainText);
        Assert.Contains("Berlin, Germany", page.MainText);
    }

    [Fact]
    public async Task Sign_in_paused_after_many_wrong_passwords_is_told_with_the_latest_attempt_and_a_not_me_link()
    {
        var clock = NewClock();
        await using var app = NewApp(clock);
        var (browser, user, recovery) = await OwnerAsync(app);
        using var _ = browser;

        for (var i = 1; i <= 10; i++)
        {
            // Each attempt from its own address (one network would meet the per-network limit first).
            using var attacker = app.NewBrowserAt("198.51.100." + (10 + i), FirefoxOnLinux);
            var page = await attacker.SignInSolvingAsync(user.Username, "wrong password " + i);
            if (page.Document.QuerySelector("input[name='Input.Challenge']") is not null && !page.AlertText.Contains("not right"))
                page = await page.SubmitSignInAsync(user.Username, "wrong password " + i);
            Assert.Contains("not right", page.AlertText);
        }

        var (notice, _) = await ToBothAsync(app, user, recovery, "signin-paused");
        AssertSecurityNotice(notice, where: "Berlin, Germany (IP address 198.51.100.20)", device: "Firefox on Linux");
        Assert.Contains("Someone is trying to sign in", notice.Subject);
        Assert.Contains("typed a wrong password many times", notice.TextBody);
    }
}
