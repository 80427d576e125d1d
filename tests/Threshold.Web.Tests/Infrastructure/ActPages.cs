using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Activity;
using Threshold.Core.Support;
using Threshold.Core.Support.Actions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// Page objects for the agent's act page (/support/customers/{id}/act): the identity check and the
/// four actions, plus the customer's "Cancel this reset" page.
/// </summary>
public static partial class ActPages
{
    public const string SendButton = "Send code";
    public const string CheckButton = "Check code";
    public const string CodeLabel = "Code the customer read out";
    public const string ReasonLabel = "Reason";
    public const string UnlockButton = "Clear sign-in blocks";
    public const string ResetLinkButton = "Send password reset link";
    public const string SignOutButton = "Sign out all sessions";
    public const string ResetTwoStepButton = "Reset two-step sign-in";
    public const string CancelButton = "Cancel the reset";
    public const string NotConfirmed = "Not confirmed yet.";
    public static readonly string[] ActionButtons = [UnlockButton, ResetLinkButton, SignOutButton, ResetTwoStepButton];

    public static string ActPath(Guid accountId, string? request = null) =>
        $"/support/customers/{accountId}/act" + (request is null ? "" : "?request=" + Uri.EscapeDataString(request));

    public static async Task<Page> ActPageAsync(this Browser agent, Guid accountId, string? request = null)
    {
        var page = await agent.GetAsync(ActPath(accountId, request));
        Assert.True(page.Status == HttpStatusCode.OK, $"The act page answered {(int)page.Status}: {page.MainText}");
        return page;
    }

    /// <summary>Chooses the contact (email, recovery-email, phone) and presses "Send code".</summary>
    public static async Task<Page> SendCheckCodeAsync(this Browser agent, Guid accountId, string contact = "email", string? request = null) =>
        await (await agent.ActPageAsync(accountId, request)).Form(SendButton).Set("Contact", contact).SubmitAndLoadAsync();

    public static async Task<Page> CheckCodeAsync(this Browser agent, Guid accountId, string code, string? request = null) =>
        await (await agent.ActPageAsync(accountId, request)).Form(CheckButton).Fill(CodeLabel, code).SubmitAndLoadAsync();

    [GeneratedRegex(@"(?m)^([0-9]{6})\r?$")]
    private static partial Regex CodeLine();

    [GeneratedRegex(@"support team is ([0-9]{6})\.")]
    private static partial Regex CodeInSms();

    /// <summary>The code in the newest identity-check message to <paramref name="to"/> (an address or a number).</summary>
    public static async Task<string> CheckCodeSentToAsync(this ThresholdFactory app, string to)
    {
        var message = (await app.MessagesToAsync(to)).Where(m => m.Template == "support-check").OrderBy(m => m.CreatedAt).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"No identity-check code was sent to {to}");
        var match = message.Channel == Core.Messaging.MessageChannel.Sms ? CodeInSms().Match(message.TextBody) : CodeLine().Match(message.TextBody);
        return match.Success ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException("No code in:\n" + message.TextBody);
    }

    /// <summary>Sends a code to the customer's email, reads it as the customer would, and checks it: the agent may act for a while.</summary>
    public static async Task<Page> VerifyAsync(this Browser agent, ThresholdFactory app, Guid accountId, string email, string? request = null)
    {
        var sent = await agent.SendCheckCodeAsync(accountId, "email", request);
        Assert.True(sent.Status == HttpStatusCode.OK, $"Sending the code answered {(int)sent.Status}: {sent.MainText}");
        var page = await agent.CheckCodeAsync(accountId, await app.CheckCodeSentToAsync(email), request);
        Assert.True(page.Status == HttpStatusCode.OK, $"Checking the code answered {(int)page.Status}: {page.MainText}");
        Assert.Matches(@"Identity confirmed until [0-9]{2}:[0-9]{2} UTC", page.MainText);
        return page;
    }

    /// <summary>Types a reason into the action's form and presses its button.</summary>
    public static async Task<Page> ActAsync(this Browser agent, Guid accountId, string button, string reason = "Customer called and passed the check",
        string? request = null) =>
        await (await agent.ActPageAsync(accountId, request)).Form(button).Set("Reason", reason).SubmitAndLoadAsync();

    /// <summary>The text of the role="status" notice, or "".</summary>
    public static string StatusText(this Page page) => Page.Normalize(page.Document.QuerySelector("[role=status]")?.TextContent);

    /// <summary>The audit log's lines about the account, oldest first.</summary>
    public static async Task<List<AgentAuditEntry>> AuditOfAsync(this ThresholdFactory app, Guid accountId) =>
        (await app.AuditAsync(accountId)).OrderBy(a => a.At).ThenBy(a => a.ReferenceCode).ToList();

    public static Task<List<SecurityEvent>> EventsOfAsync(this ThresholdFactory app, Guid accountId, SecurityEventKind kind) =>
        app.QueryAsync(db => db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == accountId && e.Kind == kind).ToListAsync(Ct));

    /// <summary>A support request in the queue, as "Can't sign in?" opens one; returns its number.</summary>
    public static async Task<string> OpenRequestAsync(this ThresholdFactory app, Guid? accountId)
    {
        var number = Core.Errors.ReferenceCode.New();
        await app.QueryAsync(async db =>
        {
            db.SupportRequests.Add(new SupportRequest
            {
                Id = Guid.NewGuid(), Number = number, CreatedAt = DateTimeOffset.UtcNow, Kind = SupportRequestKind.CantSignIn, AccountId = accountId,
                Description = "I cannot sign in",
            });
            return await db.SaveChangesAsync(Ct);
        });
        return number;
    }

    /// <summary>One run of the timer that completes due two-step resets.</summary>
    public static Task<int> CompleteDueResetsAsync(this ThresholdFactory app) =>
        app.Services.GetRequiredService<FactorResetCompletion>().TickAsync(Ct);

    public static Task<List<FactorReset>> FactorResetsAsync(this ThresholdFactory app, Guid accountId) =>
        app.QueryAsync(db => db.FactorResets.AsNoTracking().Where(r => r.AccountId == accountId).ToListAsync(Ct));

    [GeneratedRegex(@"https?://\S+/account/cancel-two-step-reset\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex CancelLinkPattern();

    public static string CancelLinkIn(string textBody) =>
        CancelLinkPattern().Match(textBody) is { Success: true } m ? m.Value : throw new Xunit.Sdk.XunitException("No cancel link in:\n" + textBody);
}
