using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using static Threshold.Web.Tests.Infrastructure.DataPages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// "Your data" (/account/data): the download is a JSON file of the account with no secret in it,
/// and deleting the account needs a recent sign-in, the confirmation and the antiforgery token;
/// afterwards every session is over, the password no longer signs in, the identifiers are free
/// and the owner was told.
/// </summary>
public sealed class YourDataTests
{
    [Fact]
    public async Task The_account_page_links_to_your_data()
    {
        await using var app = RecoveryPages.NewApp(NewClock());
        var (browser, _) = await app.VerifiedUserAsync();
        using var _b = browser;

        var account = await browser.GetAsync("/account");

        Assert.Equal(DataPath, account.Link("Your data").Href());
        var page = await browser.DataPageAsync();
        Assert.Equal("Your data", page.Heading);
        Assert.True(page.HasButton(DownloadButton));
        Assert.True(page.HasButton(DeleteButton));
    }

    [Fact]
    public async Task The_download_is_a_json_attachment_of_the_account_with_no_secret_in_it()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        using var phone = app.NewBrowser();
        await phone.SignInWithTotpAsync(user, clock.NextCode(totp.Key));
        using var key = new SoftwareAuthenticator();
        Assert.True(browser.Http.IsRedirect(await browser.AddPasskeyAsync(key, "Desk key")));
        using var stranger = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await stranger.RequestResetAndLoadAsync(user.Email)).Status);
        var resetToken = Mail.TokenOf(await app.ResetLinkAsync(user.Email));

        var response = await browser.DownloadDataAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal($"threshold-account-{clock.GetUtcNow():yyyy-MM-dd}.json", disposition.FileName?.Trim('"'));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;

        Assert.Equal(user.Username, root.GetProperty("profile").GetProperty("username").GetString());
        Assert.Equal(user.Email, root.GetProperty("profile").GetProperty("email").GetString());
        Assert.True(root.GetProperty("profile").GetProperty("emailVerified").GetBoolean());
        var twoStep = root.GetProperty("twoStepSignIn");
        Assert.Equal(["security-key", "totp"], twoStep.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Desk key", Assert.Single(twoStep.GetProperty("passkeys").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(totp.BackupCodes.Count, twoStep.GetProperty("backupCodesLeft").GetInt32());
        var sessions = root.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Single(sessions, s => s.GetProperty("thisDevice").GetBoolean());
        var kinds = root.GetProperty("securityEvents").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("sign_in_succeeded", kinds);
        Assert.Contains("factor_enrolled", kinds);
        Assert.Contains("password_reset_requested", kinds);
        Assert.Contains("data_exported", kinds);
        var exported = await app.EventAsync(root.GetProperty("reference").GetString()!);
        Assert.Equal(SecurityEventKind.DataExported, exported?.Kind);

        var secrets = await SecretsOfAsync(app, user.Email);
        secrets.AddRange([user.Password, totp.Key, totp.Key.Replace(" ", "", StringComparison.Ordinal), resetToken, key.CredentialIdBase64Url,
            Convert.ToBase64String(key.CredentialId), Convert.ToBase64String(key.Key.ExportSubjectPublicKeyInfo())]);
        var raw = Base32(totp.Key);
        secrets.AddRange([Convert.ToBase64String(raw), Convert.ToHexString(raw)]);
        foreach (var code in totp.BackupCodes) secrets.AddRange([code, code.Replace("-", "", StringComparison.Ordinal)]);
        foreach (var b in new[] { browser, phone })
            secrets.AddRange(b.Cookies.GetAllCookies().Select(c => c.Value).Where(v => v.Length >= 16));
        // The text as written and every string in it as read back (an escaped character would hide a match in the raw text).
        var readable = text + "\n" + string.Join("\n", Strings(root));
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct())
            Assert.False(readable.Contains(secret, StringComparison.OrdinalIgnoreCase), $"The export contains a secret: {secret}");
        foreach (var prefix in new[] { "$argon2", "AQAAAA", "CfDJ8" })
            Assert.DoesNotContain(prefix, readable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_cannot_download_the_data()
    {
        await using var app = RecoveryPages.NewApp(NewClock());
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;

        var get = await browser.Http.GetAsync(DataPath + "?handler=Export", Ct);

        Assert.NotEqual("application/json", get.Content.Headers.ContentType?.MediaType);
        Assert.Null(get.Content.Headers.ContentDisposition);
        Assert.Equal(0, await EventCountAsync(app, user.Email, SecurityEventKind.DataExported));
    }

    [Fact]
    public async Task After_10_minutes_downloading_and_deleting_ask_to_confirm_it_is_you_first()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;
        clock.Advance(TimeSpan.FromMinutes(11));

        (await browser.DownloadDataAsync()).AssertRedirectsTo(ReauthenticateForData);
        (await browser.DeleteAccountAsync()).AssertRedirectsTo(ReauthenticateForData);
        Assert.Equal(0, await EventCountAsync(app, user.Email, SecurityEventKind.DataExported));
        Assert.NotNull(await app.AccountAsync(user.Email));

        (await browser.ReauthenticateAsync(ReauthenticateForData, user.Password)).AssertRedirectsTo(DataPath);
        var download = await browser.DownloadDataAsync();
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await EventCountAsync(app, user.Email, SecurityEventKind.DataExported));
    }

    [Fact]
    public async Task Deleting_without_the_confirmation_is_refused_with_the_field_named_and_deletes_nothing()
    {
        await using var app = RecoveryPages.NewApp(NewClock());
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;

        var page = await Page.LoadAsync(browser, await browser.DeleteAccountAsync(understood: false));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Alert);
        Assert.Single(page.Document.QuerySelectorAll("[role=alert]"));
        Assert.NotNull(page.Reference);
        Assert.Equal("Tick the box to confirm that you understand your account cannot be restored.", page.FieldError(UnderstoodLabel));
        Assert.Equal("true", page.Control(UnderstoodLabel).GetAttribute("aria-invalid"));
        var account = await app.AccountAsync(user.Email);
        Assert.NotNull(account);
        Assert.Equal(1, await app.SessionCountAsync(account.Id));
        Assert.True(await browser.IsSignedInAsync());
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "account-deleted");
    }

    [Fact]
    public async Task Deleting_ends_every_session_stops_sign_in_frees_the_identifiers_and_tells_the_owner()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;

        var deleted = await browser.DeleteAccountAsync();

        deleted.AssertRedirectsTo("/account/deleted");
        var goodbye = await browser.FollowAsync(deleted);
        Assert.Equal(HttpStatusCode.OK, goodbye.Status);
        Assert.Equal("Your account was deleted", goodbye.Heading);
        Assert.NotNull(goodbye.Link("Sign in", within: "header"));
        Assert.False(await browser.IsSignedInAsync());
        // The other browser is signed out at its next request.
        Assert.StartsWith("/signin", (await other.Http.GetAsync("/account", Ct)).RedirectTarget());
        Assert.Null(await app.AccountAsync(user.Email));
        Assert.Equal(0, await app.SessionCountAsync(accountId));

        var notice = await app.MessageToAsync(user.Email, "account-deleted");
        Assert.Contains("was deleted", notice.Subject, StringComparison.Ordinal);
        var audit = await app.EventAsync(notice.ReferenceCode);
        Assert.Equal(SecurityEventKind.AccountDeleted, audit?.Kind);
        Assert.Equal(accountId, audit?.AccountId);
        Assert.Equal(1, await app.QueryAsync(db => db.SecurityEvents.CountAsync(e => e.AccountId == accountId, Ct)));

        using var again = app.NewBrowser();
        var signIn = await again.SignInAsync(user.Username, user.Password);
        Assert.False(again.Http.IsRedirect(signIn), "The deleted account's password still signs in");
        Assert.False(await again.IsSignedInAsync());

        (await again.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        var fresh = await app.AccountAsync(user.Email);
        Assert.NotNull(fresh);
        Assert.NotEqual(accountId, fresh.Id);
        Assert.Equal(user.Username, fresh.UserName);
        Assert.Equal(2, (await app.MessagesToAsync(user.Email)).Count(m => m.Template == "welcome"));
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "already-registered");
    }

    [Fact]
    public async Task A_forged_delete_without_this_browsers_antiforgery_token_is_refused()
    {
        await using var app = RecoveryPages.NewApp(NewClock());
        var (browser, user) = await app.VerifiedUserAsync();
        using var _b = browser;
        var (attacker, _) = await app.VerifiedUserAsync();
        using var _a = attacker;
        var attackersToken = (await attacker.DataPageAsync()).AntiforgeryToken();

        var none = await browser.PostFormAsync(DataPath + "?handler=Delete", [new("Understood", "true")]);
        var foreign = await browser.PostFormAsync(DataPath + "?handler=Delete", [new("Understood", "true"), new("__RequestVerificationToken", attackersToken)]);

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.NotNull(await app.AccountAsync(user.Email));
        Assert.True(await browser.IsSignedInAsync());
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Every secret the database holds about the account: hashes, keys, stamps, tokens.</summary>
    private static async Task<List<string>> SecretsOfAsync(ThresholdFactory app, string email)
    {
        var account = (await app.AccountAsync(email))!;
        var id = account.Id;
        var secrets = new List<string> { account.PasswordHash!, account.SecurityStamp!, account.ConcurrencyStamp! };
        secrets.AddRange(await app.QueryAsync(db => db.TotpAuthenticators.Where(t => t.AccountId == id).Select(t => t.ProtectedSecret).ToListAsync(Ct)));
        secrets.AddRange(await app.QueryAsync(db => db.BackupCodes.Where(c => c.AccountId == id).Select(c => c.Hash).ToListAsync(Ct)));
        secrets.AddRange(await app.QueryAsync(db => db.Sessions.Where(s => s.AccountId == id).Select(s => s.TokenHash).ToListAsync(Ct)));
        secrets.AddRange(await app.QueryAsync(db => db.ResetTickets.Where(t => t.AccountId == id).Select(t => t.SecretHash).ToListAsync(Ct)));
        secrets.AddRange(await app.QueryAsync(db => db.EmailVerifications.Where(v => v.AccountId == id).Select(v => v.TokenHash).ToListAsync(Ct)));
        secrets.AddRange(await app.QueryAsync(db => db.SecurityEvents.Where(e => e.AccountId == id && e.DeviceHash != null).Select(e => e.DeviceHash!).ToListAsync(Ct)));
        Assert.True(secrets.Count > 8, "The account should have a TOTP key, backup codes, sessions and a reset ticket by now");
        return secrets;
    }

    private static Task<int> EventCountAsync(ThresholdFactory app, string email, SecurityEventKind kind) =>
        app.QueryAsync(async db =>
        {
            var id = (await db.Users.AsNoTracking().SingleAsync(a => a.Email == email, Ct)).Id;
            return await db.SecurityEvents.CountAsync(e => e.AccountId == id && e.Kind == kind, Ct);
        });

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.String => [element.GetString()!],
        _ => [],
    };

    private static byte[] Base32(string key) => OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal));
}
