using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Support.Actions;
using Threshold.Core.Support.Verification;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Support.Actions;

/// <summary>
/// /support/customers/{id}/act (optionally ?request=NUMBER): the identity check, then the four
/// actions. Every form carries its own single-use form token; Core decides and audits everything,
/// this page binds, calls one service and shows the outcome. On the agent's own account there are
/// no forms.
/// </summary>
public sealed class ActModel(
    IdentityCheck check,
    AgentActions actions,
    ActSubjects subjects,
    AgentFormTokens tokens,
    IStringLocalizer<SharedResource> text) : FormPage(text)
{
    public const string SendForm = "send";
    public const string CheckForm = "check";
    public const string UnlockForm = "unlock";
    public const string ResetLinkForm = "resetlink";
    public const string SignOutForm = "signout";
    public const string ResetTwoStepForm = "resettwostep";

    [FromRoute] public Guid Id { get; set; }
    /// <summary>The support request the agent came from, carried in the address and then in each form.</summary>
    [BindProperty(SupportsGet = true, Name = "request")] public string? RequestNumber { get; set; }
    [BindProperty] public string? FormToken { get; set; }
    [BindProperty] public string? Contact { get; set; }
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public ActSubject Subject { get; private set; } = null!;
    /// <summary>What was done, for role="status".</summary>
    public string? Notice { get; private set; }
    /// <summary>The form that was sent: its typed reason and its field error are shown again.</summary>
    public string? SentForm { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(null, null, ct);

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct) =>
        await ShowAsync(SendForm, await check.SendAsync(AgentRequest(), Contact, ct), ct);

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct) =>
        await ShowAsync(CheckForm, await check.CheckAsync(AgentRequest(), Code, ct), ct);

    public async Task<IActionResult> OnPostUnlockAsync(CancellationToken ct) =>
        await ShowAsync(UnlockForm, await actions.UnlockAsync(AgentRequest(), ct), ct);

    public async Task<IActionResult> OnPostResetLinkAsync(CancellationToken ct) =>
        await ShowAsync(ResetLinkForm, await actions.SendPasswordResetAsync(AgentRequest(), ct), ct);

    public async Task<IActionResult> OnPostSignOutAsync(CancellationToken ct) =>
        await ShowAsync(SignOutForm, await actions.SignOutAllAsync(AgentRequest(), ct), ct);

    public async Task<IActionResult> OnPostResetTwoStepAsync(CancellationToken ct) =>
        await ShowAsync(ResetTwoStepForm, await actions.ResetTwoFactorAsync(AgentRequest(), ct), ct);

    /// <summary>A fresh single-use token for one form of this page.</summary>
    public string NewFormToken() => tokens.Issue(AgentId, Id);

    /// <summary>The id of a form's reason field (one per action form, so the summary can link to it).</summary>
    public static string ReasonId(string form) => "reason-" + form;

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture) + " UTC";
    public static string UtcTime(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.CurrentCulture) + " UTC";

    private Guid AgentId => HttpContext.CurrentSession()?.AccountId ?? throw new InvalidOperationException("The console needs a session");

    private AgentRequest AgentRequest() =>
        new(AgentId, User.Identity?.Name ?? "", Id, FormToken, RequestNumber, HttpContext.Client(), Reason);

    private async Task<IActionResult> ShowAsync(string? form, AgentResult? result, CancellationToken ct)
    {
        if (result?.Outcome == AgentOutcome.NotFound) return NotFound();
        SentForm = form;
        if (result is not null) Tell(form!, result);
        if (await subjects.LoadAsync(AgentId, Id, RequestNumber, ct) is not { } subject) return NotFound();
        Subject = subject;
        if (result is null && subject.RequestUnknown)
            Notice = Text["There is no request {0}. Actions here will not name a request.", RequestNumber ?? ""];
        return Page();
    }

    private void Tell(string form, AgentResult result)
    {
        Reference = result.ReferenceCode;
        switch (result.Outcome)
        {
            case AgentOutcome.Done:
                Notice = Done(form, result);
                Reason = null;
                break;
            case AgentOutcome.Invalid:
                foreach (var problem in result.FieldProblems)
                    FieldErrors[problem.Field == "Reason" ? ReasonId(form) : problem.Field] = Text[problem.Code];
                Summary = Text["Please correct the following and try again."];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case AgentOutcome.TooSoon:
                Summary = Text["A code was sent a moment ago. You can send another in {0}.", TooSoon.Answer(this, Text, result.RetryAfter ?? TimeSpan.Zero)];
                break;
            default:
                Refused(result);
                break;
        }
    }

    private string Done(string form, AgentResult result) => form switch
    {
        SendForm => Text["We sent a code to {0}. Ask the customer to read it out to you. It works until {1}.", Join(result.SentTo), UtcTime(result.Until!.Value)],
        CheckForm => Text["Identity confirmed. You can act on this account until {0}.", UtcTime(result.Until!.Value)],
        UnlockForm => Text["Sign-in blocks cleared. The customer can sign in again now."],
        ResetLinkForm => Text["A password reset link was sent to {0}. It works once, for a limited time. You never see it.", Join(result.SentTo)],
        SignOutForm => Text["Every session was signed out ({0}) and remembered devices were forgotten.", result.Count],
        _ => Text["Two-step sign-in will be reset on {0} unless the customer cancels it. We told them at: {1}.", Utc(result.Until!.Value), Join(result.SentTo)],
    };

    /// <summary>Refusals: the sentence, and a status that says what kind of refusal it was.</summary>
    private void Refused(AgentResult result)
    {
        (Response.StatusCode, Summary) = result.Detail switch
        {
            AgentRefusal.OwnAccount => (403, Text["You cannot act on your own account. Ask another agent. Nothing was changed."].Value),
            AgentRefusal.NotVerified => (403, Text["Confirm the customer's identity first: send a code to one of their verified contacts and check the code they read out. Nothing was changed."].Value),
            AgentRefusal.WrongAccount => (400, Text["That form was for another account or another agent. Nothing was changed."].Value),
            AgentRefusal.Expired => (410, Text["That form was open too long. Nothing was changed. Use the form below."].Value),
            AgentRefusal.Replayed => (410, Text["That form was sent before. Nothing was changed again. Use the form below for anything else."].Value),
            AgentRefusal.NoVerifiedEmail => (409, Text["This account has no verified email address to send a reset link to. Nothing was sent."].Value),
            AgentRefusal.NoTwoStep => (409, Text["This account has no two-step sign-in to reset. Nothing was changed."].Value),
            AgentRefusal.AlreadyPending => (409, Text["A two-step reset is already waiting for this account. Nothing new was scheduled."].Value),
            "code_expired" => (400, Text["That code has expired. Send a new one."].Value),
            "too_many_attempts" => (400, Text["Too many wrong codes. Send a new one."].Value),
            "no_code" => (400, Text["There is no code to check. Send one first."].Value),
            "wrong_code" => (400, WrongCode(result.Count)),
            _ => (400, Text["That form could not be read. Nothing was changed. Use the buttons on this page."].Value),
        };
    }

    private string WrongCode(int left)
    {
        FieldErrors["Code"] = left == 1
            ? Text["That code is not right. 1 try left."]
            : Text["That code is not right. {0} tries left.", left];
        return Text["Please correct the following and try again."];
    }

    private static string Join(IReadOnlyList<string>? items) => string.Join(", ", items ?? []);
}
