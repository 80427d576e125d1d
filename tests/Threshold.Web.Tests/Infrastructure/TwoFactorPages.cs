using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Messaging;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>TOTP codes from Debian's oathtool: an implementation independent of the app's (OtpNet).</summary>
public static class OathTool
{
    /// <summary>The 6-digit code for <paramref name="key"/> (base32, spaces allowed) at <paramref name="at"/>.</summary>
    public static string Totp(string key, DateTimeOffset at)
    {
        var start = new ProcessStartInfo("oathtool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--totp", "-b", "--now", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", key.Replace(" ", "") })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException("oathtool did not start (apt-get install oathtool)");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"oathtool failed ({process.ExitCode}): {error}");
        var code = output.Trim();
        Assert.Matches("^[0-9]{6}$", code);
        return code;
    }
}

/// <summary>
/// Page objects for two-step sign-in: setting methods up (/account/two-factor, /account/security/…),
/// the second step after the password (/signin/two-factor) and re-authentication (/account/reauthenticate).
/// </summary>
public static partial class TwoFactorPages
{
    public const string SecondStepPath = "/signin/two-factor";
    public const string SecondStepToAccount = "/signin/two-factor?returnUrl=%2Faccount";
    public const string CodeLabel = "Code";
    public const string BackupCodeLabel = "Backup code";
    public const string VerifyButton = "Verify";
    public const string RememberLabel = "Remember this device for 30 days";
    public const string RememberCookie = "Threshold.TwoFactorDevice";
    public const string PendingCookie = "Threshold.SignInStep";
    public const string AppCodeLabel = "Code from the app";
    public const string TurnOnButton = "Turn on";

    /// <summary>A fake clock near real time (cookies' Expires are judged by the real clock), 2 s into a 30-second TOTP step.</summary>
    public static FakeTimeProvider NewClock()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now / 30 * 30 + 2));
    }

    /// <summary>Moves to the next 30-second step and returns the authenticator app's code there.</summary>
    public static string NextCode(this FakeTimeProvider clock, string key)
    {
        clock.Advance(TimeSpan.FromSeconds(30));
        return OathTool.Totp(key, clock.GetUtcNow());
    }

    /// <summary>A six-digit code that is not the right one for this, the previous or the next step.</summary>
    public static string WrongCode(this FakeTimeProvider clock, string key, int seed = 0)
    {
        var now = clock.GetUtcNow();
        var valid = new[] { -30, 0, 30 }.Select(s => OathTool.Totp(key, now.AddSeconds(s))).ToHashSet();
        var candidate = 100_000 + (seed * 7919) % 900_000;
        while (valid.Contains(candidate.ToString("D6", CultureInfo.InvariantCulture))) candidate = (candidate + 1) % 1_000_000;
        return candidate.ToString("D6", CultureInfo.InvariantCulture);
    }

    // ----------------------------------------------------------------- accounts

    /// <summary>A fresh account whose email address is verified; the browser is signed in (confirming signs in).</summary>
    public static async Task<(Browser Browser, TestUser User)> VerifiedUserAsync(this ThresholdFactory app)
    {
        var user = RecoveryPages.NewUser();
        var browser = app.NewBrowser();
        var link = await browser.RegisterAndGetLinkAsync(app, user);
        var confirm = await browser.GetAsync(Site.PathOf(link));
        var confirmed = await confirm.Form("Confirm email address").SubmitAsync();
        Assert.StartsWith("/account", confirmed.RedirectTarget());
        Assert.True((await app.AccountAsync(user.Email))!.EmailConfirmed);
        return (browser, user);
    }

    /// <summary>A verified account with an authenticator app (set up through the pages); the browser is still signed in.</summary>
    public static async Task<(Browser Browser, TestUser User, TotpEnrolment Totp)> UserWithTotpAsync(this ThresholdFactory app, FakeTimeProvider clock)
    {
        var (browser, user) = await app.VerifiedUserAsync();
        var totp = await browser.EnrolTotpAsync(clock);
        return (browser, user, totp);
    }

    // ---------------------------------------------------------------- enrolment

    /// <summary>/account/security → "Set up two-step sign-in" (or "Add another method") → /account/two-factor.</summary>
    public static async Task<Page> MethodChoiceAsync(this Browser browser)
    {
        var security = await browser.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, security.Status);
        var link = security.Link("Set up two-step sign-in") ?? security.Link("Add another method")
            ?? throw new Xunit.Sdk.XunitException("No way to set up two-step sign-in on /account/security");
        var choice = await browser.GetAsync(link.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, choice.Status);
        return choice;
    }

    /// <summary>Follows "An authenticator app" from the choice of methods.</summary>
    public static async Task<Page> AuthenticatorPageAsync(this Browser browser, Page? choice = null)
    {
        choice ??= await browser.MethodChoiceAsync();
        var link = choice.Link("An authenticator app") ?? choice.Link("Replace your authenticator app")
            ?? throw new Xunit.Sdk.XunitException("No authenticator app link on " + choice.Url);
        var page = await browser.GetAsync(link.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page;
    }

    /// <summary>The key as the page writes it for typing by hand (id totp-key).</summary>
    public static string TotpKeyOn(Page page) =>
        Page.Normalize(page.Document.GetElementById("totp-key")?.TextContent) is { Length: > 0 } key
            ? key
            : throw new Xunit.Sdk.XunitException("No #totp-key on " + page.Url);

    public static Task<HttpResponseMessage> TurnOnAuthenticatorAsync(this Page authenticatorPage, string code) =>
        authenticatorPage.Form(TurnOnButton).Fill(AppCodeLabel, code).SubmitAsync();

    /// <summary>Sets up an authenticator app with a code from oathtool and returns the key and the backup codes shown.</summary>
    public static async Task<TotpEnrolment> EnrolTotpAsync(this Browser browser, FakeTimeProvider clock, Page? choice = null)
    {
        var page = await browser.AuthenticatorPageAsync(choice);
        var key = TotpKeyOn(page);
        var turnedOn = await page.TurnOnAuthenticatorAsync(OathTool.Totp(key, clock.GetUtcNow()));
        var target = turnedOn.RedirectTarget();
        if (!target.StartsWith("/account/security/backup-codes", StringComparison.Ordinal)) return new(key, []);
        var codes = await browser.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, codes.Status);
        return new(key, BackupCodesOn(codes));
    }

    public static IReadOnlyList<string> BackupCodesOn(Page page) =>
        page.Document.QuerySelectorAll("ul.backup-codes li").Select(li => Page.Normalize(li.TextContent)).ToList();

    /// <summary>Presses "Codes by email to …" on /account/two-factor.</summary>
    public static async Task<HttpResponseMessage> TurnOnEmailCodesAsync(this Browser browser)
    {
        var choice = await browser.GetAsync("/account/two-factor");
        Assert.Equal(HttpStatusCode.OK, choice.Status);
        return await choice.FormWhere(b => b.StartsWith("Codes by email to ", StringComparison.Ordinal)).SubmitAsync();
    }

    /// <summary>/account/security/phone: the number, "Send a code".</summary>
    public static async Task<Page> SendPhoneCodeAsync(this Browser browser, string number)
    {
        var page = await browser.GetAsync("/account/security/phone");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form("Send a code").Fill("Mobile phone number", number).SubmitAndLoadAsync();
    }

    /// <summary>Sends a code to the number, reads it from the outbox and presses "Turn on".</summary>
    public static async Task<HttpResponseMessage> TurnOnTextMessagesAsync(this Browser browser, ThresholdFactory app, string typed, string e164)
    {
        var sent = await browser.SendPhoneCodeAsync(typed);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var sms = (await app.MessagesToAsync(e164)).Where(m => m.Template == "confirm-phone").OrderBy(m => m.CreatedAt).Last();
        Assert.Equal(MessageChannel.Sms, sms.Channel);
        return await sent.Form(TurnOnButton).Fill("Code from the text message", RecoveryPages.CodeIn(sms.TextBody)).SubmitAsync();
    }

    // ------------------------------------------------------------- second step

    /// <summary>GET /signin/two-factor (with the given query).</summary>
    public static Task<Page> SecondStepAsync(this Browser browser, string query = "?returnUrl=%2Faccount") => browser.GetAsync(SecondStepPath + query);

    /// <summary>Types the code (or backup code) on a second-step page and presses "Verify".</summary>
    public static Task<HttpResponseMessage> EnterCodeAsync(this Page page, string code, bool rememberDevice = false)
    {
        var form = page.Form(VerifyButton).Fill(page.HasControl(BackupCodeLabel) ? BackupCodeLabel : CodeLabel, code);
        if (rememberDevice) form.Check(RememberLabel);
        return form.SubmitAsync();
    }

    public static async Task<Page> EnterCodeAndLoadAsync(this Page page, string code) => await Page.LoadAsync(page.Browser, await page.EnterCodeAsync(code));

    /// <summary>Password, then the authenticator code on the second step; asserts the way to /account.</summary>
    public static async Task SignInWithTotpAsync(this Browser browser, TestUser user, string code, bool rememberDevice = false)
    {
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        Assert.Equal(HttpStatusCode.OK, step.Status);
        (await step.EnterCodeAsync(code, rememberDevice)).AssertRedirectsTo("/account");
    }

    /// <summary>Whether the browser has a session: /account answers 200 rather than sending to /signin.</summary>
    public static async Task<bool> IsSignedInAsync(this Browser browser) =>
        (await browser.Http.GetAsync("/account", Ct)).StatusCode == HttpStatusCode.OK;

    /// <summary>Signs out through the header's "Sign out" button of any signed-in page.</summary>
    public static async Task SignOutFromAsync(this Browser browser, string path)
    {
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        (await page.Form("Sign out").SubmitAsync()).AssertRedirectsTo("/");
    }

    // ---------------------------------------------------------- security page

    /// <summary>The form on <paramref name="page"/> with a submit button whose text satisfies <paramref name="button"/>.</summary>
    public static Form FormWhere(this Page page, Func<string, bool> button, string? method = null)
    {
        var form = page.Document.Forms.FirstOrDefault(f =>
                f.QuerySelectorAll("button").Any(b => button(Page.Normalize(b.TextContent)) && (b.GetAttribute("type") ?? "submit") == "submit")
                && (method is null || f.QuerySelector("input[name=Method], input[name=method]")?.GetAttribute("value") == method))
            ?? throw new Xunit.Sdk.XunitException($"No such form on {page.Url} ({(int)page.Status})");
        return new Form(page, form);
    }

    /// <summary>Presses "Remove", "Turn off" or "Make default" next to a method on /account/security.</summary>
    public static async Task<HttpResponseMessage> PressOnSecurityPageAsync(this Browser browser, string button, string method)
    {
        var page = await browser.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.FormWhere(b => b == button, method).SubmitAsync();
    }

    /// <summary>Fills the password on /account/reauthenticate?returnUrl=… and presses "Continue".</summary>
    public static async Task<HttpResponseMessage> ReauthenticateAsync(this Browser browser, string location, string password)
    {
        var page = await browser.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Confirm it's you", page.Heading);
        return await page.Form("Continue").Fill("Password", password).SubmitAsync();
    }

    // -------------------------------------------------------------------- data

    /// <summary>"…sign-in code is: 123456" (email) or "…sign-in code is 123456" (text); the username before it may hold digits too.</summary>
    [GeneratedRegex(@"sign-in code is:? ([0-9]{6})(?![0-9])")]
    private static partial Regex SignInCode();

    /// <summary>The code in the newest "sign-in-code" message to <paramref name="to"/>.</summary>
    public static async Task<string> SignInCodeToAsync(this ThresholdFactory app, string to)
    {
        var message = (await app.SignInCodeMessagesAsync(to)).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"No sign-in code was sent to {to}");
        return SignInCode().Match(message.TextBody) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("No code in " + message.TextBody);
    }

    public static async Task<IReadOnlyList<OutboxMessage>> SignInCodeMessagesAsync(this ThresholdFactory app, string to) =>
        (await app.MessagesToAsync(to)).Where(m => m.Template == "sign-in-code").OrderBy(m => m.CreatedAt).ToList();

    public static async Task<IReadOnlyList<OutboxMessage>> SecurityChangedToAsync(this ThresholdFactory app, string to) =>
        (await app.MessagesToAsync(to)).Where(m => m.Template == "security-changed").OrderBy(m => m.CreatedAt).ToList();

    public static Task<int> BackupCodeCountAsync(this ThresholdFactory app, Guid accountId) =>
        app.QueryAsync(db => db.BackupCodes.CountAsync(c => c.AccountId == accountId, Ct));

    public static string Href(this IElement? link) =>
        link?.GetAttribute("href") ?? throw new Xunit.Sdk.XunitException("No such link");
}

public sealed record TotpEnrolment(string Key, IReadOnlyList<string> BackupCodes);
