using Microsoft.EntityFrameworkCore;

namespace Threshold.Web.Tests;

/// <summary>The welcome email through a real SMTP server (smtp4dev), not the outbox table.</summary>
public sealed class SmtpJourneyTests
{
    [Fact]
    public async Task Register_receive_the_welcome_mail_over_SMTP_and_verify()
    {
        using var smtp = Smtp4Dev.FromEnvironment();
        await using var app = new ThresholdFactory
        {
            Settings = { ["Mail:Smtp:Host"] = smtp.Host, ["Mail:Smtp:Port"] = smtp.Port.ToString() },
        };
        var user = TestUser.New();
        using var browser = new Browser(app);
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");

        var mail = await smtp.WaitForMessageToAsync(user.Email, TimeSpan.FromSeconds(15));
        Assert.Contains(user.Username, mail.PlainText);
        var link = Mail.VerificationLink(mail.PlainText);
        Assert.StartsWith(PublicOrigin + "/verify-email?token=", link);
        Assert.Matches(@"X-Threshold-Reference: [A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", mail.Raw);

        var confirm = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        (await confirm.Form("Confirm email address").SubmitAsync()).AssertRedirectsTo("/account");
        Assert.True((await app.AccountAsync(user.Email))!.EmailConfirmed);

        // Marked sent only after the server took it, and the single-use link no longer kept at rest.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        Threshold.Core.Messaging.OutboxMessage row;
        do
        {
            row = await app.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.To == user.Email, Ct));
            if (row.SentAt is not null || DateTimeOffset.UtcNow > deadline) break;
            await Task.Delay(200, Ct);
        } while (true);
        Assert.NotNull(row.SentAt);
        Assert.Equal("", row.TextBody);
        Assert.Null(row.HtmlBody);
        Assert.Equal(0, row.Attempts);

        // With SMTP configured, the development outbox page is off.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/dev/outbox")).Status);
    }
}
