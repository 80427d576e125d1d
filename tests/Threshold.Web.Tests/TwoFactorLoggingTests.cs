using System.Text.RegularExpressions;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>No two-step secret reaches the log: the authenticator key, its codes, backup codes, emailed and texted codes.</summary>
public sealed class TwoFactorLoggingTests
{
    private const string Phone = "+442079460123";

    private static async Task<List<(string What, string Secret)>> RunJourneyAsync(ThresholdFactory app, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        var secrets = new List<(string, string)>();
        var (browser, user) = await app.VerifiedUserAsync();
        using var _ = browser;

        var page = await browser.AuthenticatorPageAsync();
        var key = TotpKeyOn(page);
        var wrongAtSetup = clock.WrongCode(key, 3);
        Assert.Equal(HttpStatusCode.BadRequest, (await page.TurnOnAuthenticatorAsync(wrongAtSetup)).StatusCode);
        var setupCode = OathTool.Totp(key, clock.GetUtcNow());
        var on = await page.TurnOnAuthenticatorAsync(setupCode);
        var backupCodes = BackupCodesOn(await browser.FollowAsync(on));
        Assert.Equal(10, backupCodes.Count);
        (await browser.TurnOnEmailCodesAsync()).AssertRedirectsTo("/account/security?done=email-on");
        (await browser.TurnOnTextMessagesAsync(app, "+44 20 7946 0123", Phone)).AssertRedirectsTo("/account/security?done=sms-on");
        var phoneCode = RecoveryPages.CodeIn((await app.MessagesToAsync(Phone)).Single(m => m.Template == "confirm-phone").TextBody);
        await browser.SignOutFromAsync("/account");

        // App code, with a wrong one first.
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var wrongAtSignIn = clock.WrongCode(key, 5);
        var step = await (await browser.SecondStepAsync()).EnterCodeAndLoadAsync(wrongAtSignIn);
        var signInCode = clock.NextCode(key);
        (await step.EnterCodeAsync(signInCode, rememberDevice: true)).AssertRedirectsTo("/account");
        var remembered = browser.Cookies.GetCookies(browser.BaseAddress)[RememberCookie]!.Value;
        await browser.SignOutFromAsync("/account");

        // Backup code, then an emailed code, in other browsers.
        using var second = app.NewBrowser();
        (await second.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var pending = second.Cookie(PendingCookie)!;
        var backupPage = await second.SecondStepAsync("?returnUrl=%2Faccount&method=backup-code");
        (await backupPage.EnterCodeAsync(backupCodes[0])).AssertRedirectsTo("/account");

        using var third = app.NewBrowser();
        (await third.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var choose = await third.SecondStepAsync("?returnUrl=%2Faccount&choose=true");
        var emailed = await choose.FormWhere(b => b.StartsWith("Email a code to ", StringComparison.Ordinal)).SubmitAndLoadAsync();
        var emailCode = await app.SignInCodeToAsync(user.Email);
        (await emailed.EnterCodeAsync(emailCode)).AssertRedirectsTo("/account");

        using var fourth = app.NewBrowser();
        (await fourth.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var texted = await (await fourth.SecondStepAsync("?returnUrl=%2Faccount&choose=true"))
            .FormWhere(b => b.StartsWith("Text a code to ", StringComparison.Ordinal)).SubmitAndLoadAsync();
        var smsCode = await app.SignInCodeToAsync(Phone);
        (await texted.EnterCodeAsync(smsCode)).AssertRedirectsTo("/account");

        secrets.Add(("authenticator key", key.Replace(" ", "")));
        secrets.Add(("authenticator key as shown", key));
        secrets.Add(("remember-device cookie", remembered));
        secrets.Add(("second-step cookie", pending));
        foreach (var code in backupCodes) secrets.Add(("backup code", code));
        foreach (var (what, code) in new[] { ("setup code", setupCode), ("wrong setup code", wrongAtSetup), ("sign-in code", signInCode),
                     ("wrong sign-in code", wrongAtSignIn), ("emailed code", emailCode), ("texted code", smsCode), ("phone confirmation code", phoneCode) })
            secrets.Add((what, code));
        return secrets;
    }

    private static void AssertNoSecretIn(LogCollector logs, IEnumerable<(string What, string Secret)> secrets)
    {
        Assert.NotEmpty(logs.Lines);
        var leaks = secrets
            .Select(s => (s.What, Lines: logs.Lines.Where(l => Regex.IsMatch(l, $"(?<![0-9A-Za-z]){Regex.Escape(s.Secret)}(?![0-9A-Za-z])")).ToList()))
            .Where(s => s.Lines.Count > 0)
            .Select(s => $"The {s.What} appears in {s.Lines.Count} log line(s), e.g.\n  {s.Lines[0]}")
            .ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task With_the_shipped_log_levels_no_two_step_secret_is_logged()
    {
        var clock = NewClock();
        var logs = new LogCollector();
        await using var app = RecoveryPages.NewApp(clock, logs: logs);
        AssertNoSecretIn(logs, await RunJourneyAsync(app, clock));
    }

    [Fact]
    public async Task With_every_category_at_Trace_no_two_step_secret_is_logged()
    {
        var clock = NewClock();
        var logs = new LogCollector();
        await using var app = RecoveryPages.NewApp(clock, logs: logs, logEverything: true);
        var secrets = await RunJourneyAsync(app, clock);
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Microsoft.AspNetCore", StringComparison.Ordinal));
        AssertNoSecretIn(logs, secrets);
    }
}
