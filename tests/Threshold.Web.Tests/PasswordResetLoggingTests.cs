using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// No reset secret reaches the log, even with every category at Trace: not the link's token, not the
/// link, not the texted code, not the browser-binding cookie, not the webhook's credentials, not the
/// old or new passwords.
/// </summary>
public sealed class PasswordResetLoggingTests
{
    private const string Phone = "+442079460123";

    [Fact]
    public async Task An_email_reset_and_an_sms_reset_with_every_category_at_Trace_log_no_secret()
    {
        var logs = new LogCollector();
        await using var webhook = await SmsWebhookServer.StartAsync();
        var webhookSecret = "Bearer " + Guid.NewGuid().ToString("N");
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock, new Dictionary<string, string?>
        {
            ["Sms:Webhook:Url"] = webhook.Url.ToString(),
            ["Sms:Webhook:Authorization"] = webhookSecret,
        }, logs, logEverything: true);
        var secrets = new List<(string What, string Secret)> { ("webhook authorization", webhookSecret) };

        // By email link.
        var mailUser = await app.RegisterAsync(NewUser());
        secrets.Add(("old password (email reset)", mailUser.Password));
        using (var browser = app.NewBrowser())
        {
            await browser.RequestResetAsync(mailUser.Email);
            var link = await app.ResetLinkAsync(mailUser.Email);
            var token = Mail.TokenOf(link);
            secrets.Add(("reset link", link));
            secrets.Add(("reset token", token));
            var refused = "short";
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostResetAsync(token, refused)).Status);
            var next = "Logged nowhere email " + Guid.NewGuid().ToString("N")[..8];
            secrets.Add(("new password (email reset)", next));
            (await browser.ResetWithLinkAsync(link, next)).AssertRedirectsTo("/signin?reset=done");
            Assert.Equal(HttpStatusCode.Gone, (await browser.PostResetAsync(token, next + "x")).Status);
            Assert.True(await app.SignsInAsync(mailUser.Username, next));
            Assert.False(await app.SignsInAsync(mailUser.Username, mailUser.Password));
        }

        // By texted code, delivered through the webhook.
        var smsUser = await app.RegisterAsync(NewUser());
        await app.SetConfirmedPhoneAsync(smsUser.Email, Phone);
        secrets.Add(("old password (SMS reset)", smsUser.Password));
        using (var browser = app.NewBrowser())
        {
            (await browser.RequestResetAsync("+44 20 7946 0123")).AssertRedirectsTo("/recover/password/code");
            secrets.Add(("browser binding cookie", BindingCookieOf(browser)!));
            var code = await app.ResetCodeAsync(Phone);
            await SmsWebhookServer.WaitUntilAsync(() => Task.FromResult(webhook.Requests.Any(r => r.Body.Contains(code))), "the code reaches the webhook");
            var wrong = code == "000000" ? "000001" : "000000";
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.EnterCodeAsync(wrong, "Never used " + Guid.NewGuid().ToString("N")[..8])).Status);
            var next = "Logged nowhere sms " + Guid.NewGuid().ToString("N")[..8];
            secrets.Add(("new password (SMS reset)", next));
            (await browser.EnterCodeAsync(code, next)).Response.AssertRedirectsTo("/signin?reset=done");
            Assert.True(await app.SignsInAsync(smsUser.Username, next));
            AssertNoSecretIn(logs, secrets, ("SMS code", code));
        }

        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("System.Net.Http.HttpClient", StringComparison.Ordinal));   // the webhook call was logged, at Trace too
        AssertNoSecretIn(logs, secrets);
    }

    private static void AssertNoSecretIn(LogCollector logs, IEnumerable<(string What, string Secret)> secrets, (string What, string Code)? code = null)
    {
        var lines = logs.Lines.ToList();
        Assert.NotEmpty(lines);
        var leaks = secrets
            .Select(s => (s.What, Lines: lines.Where(l => l.Contains(s.Secret, StringComparison.Ordinal)).ToList()))
            .ToList();
        // A six-digit code is short: look for it standing alone, not inside a longer number or identifier.
        if (code is { } c)
        {
            var alone = new Regex($"(?<![0-9A-Za-z]){c.Code}(?![0-9A-Za-z])");
            leaks.Add((c.What, lines.Where(l => alone.IsMatch(l)).ToList()));
        }
        var found = leaks.Where(s => s.Lines.Count > 0).Select(s => $"The {s.What} appears in {s.Lines.Count} log line(s), e.g.\n  {s.Lines[0]}").ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
