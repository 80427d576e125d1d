using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Text messages through the configured JSON webhook (Sms:Webhook:Url, Sms:Webhook:Authorization),
/// against a real HTTP server on loopback: delivered with to/text/reference and the header; a 5xx
/// leaves the message in the outbox for a retry after the backoff, never lost.
/// </summary>
public sealed class SmsWebhookTests
{
    private const string Phone = "+442079460123";

    private static Task<OutboxMessage> SmsAsync(ThresholdFactory app) =>
        app.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Channel == MessageChannel.Sms && m.Template == "password-reset", Ct));

    [Fact]
    public async Task A_reset_code_goes_to_the_webhook_is_kept_while_it_fails_and_is_delivered_when_it_recovers()
    {
        await using var webhook = await SmsWebhookServer.StartAsync();
        webhook.Status = 500;
        var clock = new FakeTimeProvider(Start);
        var authorization = "Bearer test";
        await using var app = NewApp(clock, new Dictionary<string, string?>
        {
            ["Sms:Webhook:Url"] = webhook.Url.ToString(),
            ["Sms:Webhook:Authorization"] = authorization,
        });
        var user = await app.RegisterAsync(NewUser());
        await app.SetConfirmedPhoneAsync(user.Email, Phone);
        using var browser = app.NewBrowser();

        (await browser.RequestResetAsync("+44 20 7946 0123")).AssertRedirectsTo("/recover/password/code");

        // The provider fails: the message stays, unsent, with the attempt counted and a retry planned.
        await SmsWebhookServer.WaitUntilAsync(async () => (await SmsAsync(app)).Attempts >= 1, "the first delivery attempt is recorded");
        var failed = await SmsAsync(app);
        Assert.Null(failed.SentAt);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("500", failed.LastError);
        Assert.True(failed.NextAttemptAt > clock.GetUtcNow(), "A retry is planned for later");
        Assert.False(string.IsNullOrEmpty(failed.TextBody));
        var code = CodeIn(failed.TextBody);
        Assert.All(webhook.Requests, r => Assert.Equal(500, r.AnsweredWith));
        var first = webhook.Requests[0];
        Assert.Equal("POST", first.Method);
        Assert.Equal("/sms/send", first.Path);
        Assert.Equal(authorization, first.Authorization);
        Assert.StartsWith("application/json", first.ContentType);
        Assert.Equal(Phone, first.Json.GetProperty("to").GetString());
        Assert.Contains(code, first.Json.GetProperty("text").GetString());
        Assert.Equal(failed.ReferenceCode, first.Json.GetProperty("reference").GetString());
        // Email is not configured: the webhook only ever sees text messages.
        Assert.All(webhook.Requests, r => Assert.StartsWith("+", r.Json.GetProperty("to").GetString()));

        // The provider is back; once the backoff has passed (fake clock), the message is delivered.
        webhook.Status = 200;
        clock.Advance(failed.NextAttemptAt - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        await SmsWebhookServer.WaitUntilAsync(async () => (await SmsAsync(app)).SentAt is not null, "the message is marked sent");
        var sent = await SmsAsync(app);
        Assert.True(sent.Attempts >= 1);
        var delivered = Assert.Single(webhook.Requests, r => r.AnsweredWith == 200);
        Assert.Equal(Phone, delivered.Json.GetProperty("to").GetString());
        Assert.Equal(authorization, delivered.Authorization);
        Assert.Equal(code, CodeIn(delivered.Json.GetProperty("text").GetString()!));

        // And the delivered code works, in the browser that asked.
        var next = "Delivered by webhook " + Guid.NewGuid().ToString("N")[..6];
        (await browser.EnterCodeAsync(code, next)).Response.AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
        // The "password changed" text goes the same way.
        await SmsWebhookServer.WaitUntilAsync(() => Task.FromResult(webhook.Requests.Any(r => r.AnsweredWith == 200 && r.Json.GetProperty("text").GetString()!.Contains("password was changed"))),
            "the password-changed text reaches the webhook");
    }

    [Fact]
    public async Task Without_an_authorization_setting_no_authorization_header_is_sent()
    {
        await using var webhook = await SmsWebhookServer.StartAsync();
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock, new Dictionary<string, string?> { ["Sms:Webhook:Url"] = webhook.Url.ToString() });
        var user = await app.RegisterAsync(NewUser());
        await app.SetConfirmedPhoneAsync(user.Email, Phone);
        using var browser = app.NewBrowser();
        (await browser.RequestResetAsync(Phone)).AssertRedirectsTo("/recover/password/code");

        await SmsWebhookServer.WaitUntilAsync(async () => (await SmsAsync(app)).SentAt is not null, "the message is marked sent");
        var request = Assert.Single(webhook.Requests);
        Assert.Null(request.Authorization);
        Assert.Equal(Phone, request.Json.GetProperty("to").GetString());
    }
}
