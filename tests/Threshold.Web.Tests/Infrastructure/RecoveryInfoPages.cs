using Threshold.Core.Messaging;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// Page objects for the recovery email (/account/security/recovery-email), the recovery phone
/// (/account/security/recovery-phone) and the "Recovery email and phone" section of /account/security.
/// </summary>
public static class RecoveryInfoPages
{
    public const string EmailPath = "/account/security/recovery-email";
    public const string PhonePath = "/account/security/recovery-phone";
    public const string EmailLabel = "Recovery email address";
    public const string NewEmailLabel = "New recovery email address";
    public const string PhoneLabel = "Mobile phone number";
    public const string EmailCodeLabel = "Code from the email";
    public const string SmsCodeLabel = "Code from the text message";
    public const string SendButton = "Send a code";
    public const string ConfirmButton = "Confirm";
    public const string RemoveEmailButton = "Remove recovery email";
    public const string RemovePhoneButton = "Remove phone number";
    public const string AlertsLabel = "Also send security alerts by text message";
    public const string SaveAlertsButton = "Save alert settings";

    /// <summary>Types the address on the recovery email page and presses "Send a code".</summary>
    public static async Task<Page> SendRecoveryEmailCodeAsync(this Browser browser, string address)
    {
        var page = await browser.GetAsync(EmailPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form(SendButton).Fill(page.HasControl(NewEmailLabel) ? NewEmailLabel : EmailLabel, address).SubmitAndLoadAsync();
    }

    /// <summary>Types the number on the recovery phone page and presses "Send a code".</summary>
    public static async Task<Page> SendRecoveryPhoneCodeAsync(this Browser browser, string number)
    {
        var page = await browser.GetAsync(PhonePath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form(SendButton).Fill(PhoneLabel, number).SubmitAndLoadAsync();
    }

    /// <summary>The code in the newest "confirm-recovery-email" message to the address.</summary>
    public static async Task<string> RecoveryEmailCodeAsync(this ThresholdFactory app, string address)
    {
        var message = (await app.MessagesToAsync(address)).Where(m => m.Template == "confirm-recovery-email").OrderBy(m => m.CreatedAt).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"No recovery email code was sent to {address}");
        Assert.Equal(MessageChannel.Email, message.Channel);
        return RecoveryPages.CodeIn(message.TextBody);
    }

    /// <summary>The code in the newest "confirm-phone" text message to the number.</summary>
    public static async Task<string> PhoneCodeAsync(this ThresholdFactory app, string e164)
    {
        var message = (await app.MessagesToAsync(e164)).Where(m => m.Template == "confirm-phone").OrderBy(m => m.CreatedAt).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"No confirmation code was texted to {e164}");
        Assert.Equal(MessageChannel.Sms, message.Channel);
        return RecoveryPages.CodeIn(message.TextBody);
    }

    /// <summary>Sends a code to the address, reads it from the outbox and presses "Confirm".</summary>
    public static async Task<HttpResponseMessage> AddRecoveryEmailAsync(this Browser browser, ThresholdFactory app, string address)
    {
        var sent = await browser.SendRecoveryEmailCodeAsync(address);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        return await sent.Form(ConfirmButton).Fill(EmailCodeLabel, await app.RecoveryEmailCodeAsync(address)).SubmitAsync();
    }

    /// <summary>Sends a code to the number, reads it from the outbox and presses "Confirm".</summary>
    public static async Task<HttpResponseMessage> AddRecoveryPhoneAsync(this Browser browser, ThresholdFactory app, string typed, string e164)
    {
        var sent = await browser.SendRecoveryPhoneCodeAsync(typed);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        return await sent.Form(ConfirmButton).Fill(SmsCodeLabel, await app.PhoneCodeAsync(e164)).SubmitAsync();
    }

    /// <summary>Presses a button in the "Recovery email and phone" section of /account/security.</summary>
    public static async Task<HttpResponseMessage> PressInRecoverySectionAsync(this Browser browser, string button)
    {
        var page = await browser.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form(button).SubmitAsync();
    }

    /// <summary>Sets "Also send security alerts by text message" on /account/security and presses "Save alert settings".</summary>
    public static async Task<Page> SaveSmsAlertsAsync(this Browser browser, bool on)
    {
        var page = await browser.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form(SaveAlertsButton).Check(AlertsLabel, on).SubmitAndLoadAsync();
    }

    /// <summary>The "Recovery email and phone" section's text.</summary>
    public static string RecoverySection(this Page page)
    {
        var heading = page.Document.GetElementById("recovery") ?? throw new Xunit.Sdk.XunitException("No #recovery section on " + page.Url);
        var list = heading.NextElementSibling?.NextElementSibling;
        return Page.Normalize(list?.TextContent);
    }
}
