using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.StepUp;
using Threshold.Core.Errors;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.SignIn;

/// <summary>
/// The second step: the default method first, "Try another way" for the others, backup
/// codes for "I don't have my phone", and the way to a human after that.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.SignInPolicy)]
public sealed class TwoFactorModel(
    SecondStep secondStep,
    TwoFactorCookies cookies,
    PasskeyCeremonies passkeys,
    IFactorStore factors,
    Reauthentication reauthentication,
    IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>The method asked for ("totp", "sms", "email", "security-key", "backup-code").</summary>
    [BindProperty(SupportsGet = true)] public string? Method { get; set; }
    /// <summary>Shows the list of every enrolled method ("Try another way").</summary>
    [BindProperty(SupportsGet = true)] public bool Choose { get; set; }
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public bool RememberDevice { get; set; }
    [BindProperty] public string? Credential { get; set; }

    public SecondStepContext? Step { get; private set; }
    public SecondFactorKind Kind { get; private set; }
    public string? Notice { get; private set; }
    public bool IsReauthentication => Step?.Pending.Purpose == PendingSignInPurpose.Reauthenticate;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Expired();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Expired();
        var result = await secondStep.VerifyAsync(Step!, Kind, Code, HttpContext.Client(), ct);
        return await AnswerAsync(result, ct);
    }

    /// <summary>Sends (or sends again) a code by text message or email.</summary>
    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Expired();
        if (Kind is not (SecondFactorKind.Sms or SecondFactorKind.Email)) return Page();
        var sent = await secondStep.SendCodeAsync(Step!, Kind, HttpContext.Client(), ct);
        if (sent.Outcome == CodeSendOutcome.TooSoon)
        {
            Summary = Text["We sent a code a moment ago. You can ask for another in {0}.", TooSoon.Answer(this, Text, sent.RetryAfter!.Value)];
            Reference = ReferenceCode.New();
        }
        else Notice = Text["We sent a new code to {0}.", Destination ?? ""];
        return Page();
    }

    /// <summary>The security key's answer to the challenge from /passkeys/second-step-options.</summary>
    public async Task<IActionResult> OnPostSecurityKeyAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Expired();
        Kind = SecondFactorKind.SecurityKey;
        var verified = false;
        if (Step!.Pending.PasskeyState is { } state)
        {
            // The challenge is used once, whatever the answer.
            await secondStep.SetPasskeyStateAsync(Step.Pending, null, ct);
            var assertion = await passkeys.AssertAsync(Credential, state, PasskeyCeremonies.Discouraged, HttpContext);
            verified = assertion.Succeeded && assertion.User.Id == Step.Account.Id;
            if (verified) await factors.UpdatePasskeyAsync(Step.Account.Id, assertion.Passkey!, ct);
        }
        return await AnswerAsync(await secondStep.CompleteWithSecurityKeyAsync(Step, verified, HttpContext.Client(), ct), ct);
    }

    public string? Destination => Step?.Factors.Find(Kind)?.Destination;

    private async Task<IActionResult> AnswerAsync(SecondStepResult result, CancellationToken ct)
    {
        if (result.Succeeded) return await CompleteAsync(result.Completed!, ct);
        Reference = result.ReferenceCode;
        var (message, status) = result.Outcome switch
        {
            SecondStepOutcome.Malformed => (Kind == SecondFactorKind.BackupCode
                ? Text["Enter a backup code: ten letters and digits, like abcd-efgh-jk."].Value
                : Text["Enter the 6-digit code. Spaces and dashes are fine."].Value, StatusCodes.Status400BadRequest),
            SecondStepOutcome.TooSoon => (Text["Too many wrong answers. For your security, try again in {0}.", TooSoon.Answer(this, Text, result.RetryAfter!.Value)].Value,
                StatusCodes.Status429TooManyRequests),
            SecondStepOutcome.Expired => (Text["That code has expired. Send a new code and try again."].Value, StatusCodes.Status400BadRequest),
            SecondStepOutcome.NoCode => (Text["There is no code to check yet. Send a code first."].Value, StatusCodes.Status400BadRequest),
            SecondStepOutcome.TooManyAttempts => (Text["That code was entered wrongly too many times. Send a new code."].Value, StatusCodes.Status400BadRequest),
            SecondStepOutcome.NotEnrolled => (Text["That method is not set up for this account. Choose another way."].Value, StatusCodes.Status400BadRequest),
            _ => (Kind switch
            {
                SecondFactorKind.SecurityKey => Text["That security key could not confirm it's you. Try again, or choose another way."].Value,
                SecondFactorKind.BackupCode => Text["That backup code is not right or was already used."].Value,
                SecondFactorKind.Sms or SecondFactorKind.Email when result.AttemptsLeft > 0 =>
                    Text["That code is not right. You have {0} more tries with this code.", result.AttemptsLeft].Value,
                _ => Text["That code is not right. Check it and try again."].Value,
            }, StatusCodes.Status401Unauthorized),
        };
        if (result.Outcome != SecondStepOutcome.TooSoon)
        {
            Response.StatusCode = status;
            if (result.RetryAfter is { } wait) message += " " + Text["Wait {0} before the next try.", TooSoon.Wait(this, Text, wait)];
        }
        // A wrong or mistyped code is the field's error, linked from the summary; anything else is the summary itself.
        if (Kind != SecondFactorKind.SecurityKey && result.Outcome is SecondStepOutcome.Malformed or SecondStepOutcome.Wrong)
        {
            FieldErrors["Code"] = message;
            Summary = Text["Please correct the following and try again."];
        }
        else Summary = message;
        return Page();
    }

    private async Task<IActionResult> CompleteAsync(PendingSignIn completed, CancellationToken ct)
    {
        cookies.ClearPending(HttpContext);
        if (completed.Purpose == PendingSignInPurpose.Reauthenticate)
        {
            if (HttpContext.CurrentSession() is { } session && session.Id == completed.SessionId)
                await reauthentication.MarkAsync(session, multiFactor: true, ct);
            return LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl));
        }
        if (RememberDevice) cookies.Remember(HttpContext, Step!.Account.Id, Step.Account.SecurityStamp ?? "");
        return LocalRedirect(await SignInCompletion.CompleteAsync(HttpContext, Step!.Account, completed.Persistent, ReturnUrl, mustEnrol: false, ct, multiFactor: true));
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Step = await secondStep.LoadAsync(cookies.PendingToken(HttpContext), ct);
        if (Step is null) return false;
        Kind = SecondFactorKinds.Parse(Method) is { } asked && Step.Factors.Has(asked) ? asked : Step.Factors.Default ?? SecondFactorKind.BackupCode;
        Method = Kind.Code();
        return true;
    }

    private IActionResult Expired()
    {
        Response.StatusCode = StatusCodes.Status410Gone;
        Reference = ReferenceCode.New();
        return Page();
    }
}
