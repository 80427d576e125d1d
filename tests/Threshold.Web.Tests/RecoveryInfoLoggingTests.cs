using System.Text.RegularExpressions;
using static Threshold.Web.Tests.Infrastructure.RecoveryInfoPages;
using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>The codes that prove a recovery email or phone never reach the log, even with every category at Trace.</summary>
public sealed class RecoveryInfoLoggingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_recovery_code_is_logged(bool everything)
    {
        var clock = NewClock();
        var logs = new LogCollector();
        await using var app = RecoveryPages.NewApp(clock, logs: logs, logEverything: everything);
        var (browser, _) = await app.VerifiedUserAsync();
        using var _b = browser;
        var backup = $"backup.{Guid.NewGuid().ToString("N")[..8]}@example.net";

        var sent = await browser.SendRecoveryEmailCodeAsync(backup);
        var emailCode = await app.RecoveryEmailCodeAsync(backup);
        var wrong = ((int.Parse(emailCode) + 1) % 1_000_000).ToString("D6");
        Assert.Equal(HttpStatusCode.BadRequest, (await sent.Form(ConfirmButton).Fill(EmailCodeLabel, wrong).SubmitAsync()).StatusCode);
        (await sent.Form(ConfirmButton).Fill(EmailCodeLabel, emailCode).SubmitAsync()).AssertRedirectsTo("/account/security?done=recovery-email-saved");
        (await browser.AddRecoveryPhoneAsync(app, "+44 20 7946 0123", "+442079460123")).AssertRedirectsTo("/account/security?done=recovery-phone-saved");
        var phoneCode = await app.PhoneCodeAsync("+442079460123");

        Assert.NotEmpty(logs.Lines);
        foreach (var (what, secret) in new[] { ("emailed code", emailCode), ("wrong code", wrong), ("texted code", phoneCode) })
        {
            var leaks = logs.Lines.Where(l => Regex.IsMatch(l, $"(?<![0-9]){secret}(?![0-9])")).ToList();
            Assert.True(leaks.Count == 0, $"The {what} appears in the log: {leaks.FirstOrDefault()}");
        }
    }
}
