using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Defense;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Passwords;
using Threshold.Web.Infrastructure;


namespace Threshold.Web.Pages.SignIn;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.SignInPolicy)]
public sealed class SignInModel(
    ProtectedSignIn signIn,
    DeviceCookies devices,
    SecondStep secondStep,
    TwoFactorCookies cookies,
    PasskeyCeremonies passkeys,
    IFactorStore factors,
    ISecurityEventLog events,
    SignInRecorder signIns,
    TimeProvider clock,
    IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public SignInInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>"done" after a password reset: says so above the form.</summary>
    [BindProperty(SupportsGet = true)] public string? Reset { get; set; }
    /// <summary>Set when a failed password was a recognised typo or an old password.</summary>
    public PasswordHint? Hint { get; private set; }

    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated == true) return LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl));
        devices.EnsureIssued(HttpContext);
        return Page();
    }

    /// <summary>The JSON of navigator.credentials.get() for "Sign in with a passkey" (and passkey autofill).</summary>
    [BindProperty] public string? Credential { get; set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var guarded = await signIn.SignInAsync(new ProtectedSignInRequest(
            new PasswordSignInRequest(Input.Identifier, Input.Password, HttpContext.Client(), cookies.Remembered(HttpContext)),
            devices.Read(HttpContext), NetworkKey.Of(HttpContext.Connection.RemoteIpAddress), Input.Solution, Input.Challenge), ct);
        ProofOfWork = guarded.Challenge;
        if (guarded.SignIn is not { Succeeded: true } result)
            return Refused(guarded);

        // The device cookie marks a device that knew the password; it never skips the second step.
        devices.Write(HttpContext, guarded.IssueDevice!);

        if (result.NeedsSecondStep)
        {
            var token = await secondStep.BeginAsync(result.Account!, result.Factors!, PendingSignInPurpose.SignIn, Input.RememberMe, null, HttpContext.Client(), ct);
            cookies.SetPending(HttpContext, token);
            return LocalRedirect("/signin/two-factor?returnUrl=" + Uri.EscapeDataString(Infrastructure.ReturnUrl.Safe(ReturnUrl)));
        }
        return LocalRedirect(await SignInCompletion.CompleteAsync(HttpContext, result.Account!, Input.RememberMe, ReturnUrl, result.MustEnrol, ct));
    }

    /// <summary>A passkey alone: the browser's answer to the challenge from /passkeys/sign-in-options.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var reference = ReferenceCode.New();
        var pending = await secondStep.FindAsync(cookies.PendingToken(HttpContext), ct);
        cookies.ClearPending(HttpContext);
        Core.Accounts.Account? account = null;
        if (pending is { Purpose: PendingSignInPurpose.Passkey, PasskeyState: { } state } && await secondStep.EndAsync(pending, ct))
        {
            var assertion = await passkeys.AssertAsync(Credential, state, PasskeyCeremonies.Required, HttpContext);
            if (assertion.Succeeded)
            {
                account = assertion.User;
                await factors.UpdatePasskeyAsync(account.Id, assertion.Passkey, ct);
            }
        }
        if (account is { PasswordResetRequired: true })
        {
            // After "This wasn't me" a passkey waits for the new password too: the intruder may have added it.
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignInFailed, clock.GetUtcNow(), HttpContext.Client(), reference, account.Id,
                account.UserName, "password_reset_required"), ct);
            return NewPasswordNeeded(reference);
        }
        if (account is null)
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignInFailed, clock.GetUtcNow(), HttpContext.Client(), reference, null, null,
                "passkey"), ct);
        else
            await signIns.RecordAsync(account, SecurityEvent.Of(SecurityEventKind.SignInSucceeded, clock.GetUtcNow(), HttpContext.Client(), reference,
                account.Id, account.UserName, "passkey"), HttpContext.Client(), ct);
        if (account is null)
        {
            Summary = Text["That passkey could not sign you in. Try again, or sign in with your password."];
            Reference = reference;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        // A passkey with user verification is two factors in one: no second step, no enrolment.
        return LocalRedirect(await SignInCompletion.CompleteAsync(HttpContext, account, persistent: false, ReturnUrl, mustEnrol: false, ct, multiFactor: true));
    }

    /// <summary>Set when the next attempt needs the browser's proof of work (or, without JavaScript, a wait).</summary>
    public IssuedChallenge? ProofOfWork { get; private set; }

    /// <summary>Wrong credentials, a challenge to answer, or a pause: the same words whether or not the account exists.</summary>
    private IActionResult Refused(ProtectedSignInResult guarded)
    {
        var result = guarded.SignIn;
        if (result?.Outcome == SignInOutcome.PasswordResetRequired) return NewPasswordNeeded(result.ReferenceCode);
        Reference = guarded.ReferenceCode;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (result is not null)
        {
            if (result.Outcome == SignInOutcome.InvalidCredentials)
                Summary = HintText(result.Hint) ?? Text["That email, username or password is not right. Check them and try again, or use \"Forgot password?\"."];
            Hint = result.Hint;
            Show(result.Problems, result.ReferenceCode);
            if (result.Outcome == SignInOutcome.MissingInput) Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        var wait = Pause(guarded.State);
        if (guarded.Outcome == GateOutcome.ChallengeRequired)
            Summary = Text["For your safety, your browser needs to finish a short check before we look at your password. Type your password again and press Sign in."];
        else if (guarded.State.Level == ThrottleLevel.Stopped)
        {
            Summary = (Summary is null ? "" : Summary + " ") + Text["Sign-in from new devices is stopped for this email or username after too many failed attempts. Use \"Forgot password?\" to set a new password, or sign in from a device you have signed in from before."];
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }
        else if (wait is { } pause)
            Summary = (Summary is null ? "" : Summary + " ") + Text["Too many sign-in attempts have failed. You can try again in {0}. If you forgot your password, use \"Forgot password?\".", TooSoon.Answer(this, Text, pause)];
        return Page();
    }

    /// <summary>
    /// The owner said "This wasn't me": only a new password (by the link sent, or "Forgot password?")
    /// opens the account again. Shown only after the right password (or passkey).
    /// </summary>
    private PageResult NewPasswordNeeded(string reference)
    {
        Summary = Text["This account needs a new password before anyone can sign in to it. Use the link we sent to your email address, or choose \"Forgot password?\" to get a new one."];
        Reference = reference;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    private TimeSpan? Pause(ThrottleState state) =>
        state is { Level: ThrottleLevel.Paused, Until: { } until } ? until - clock.GetUtcNow() : null;

    private string? HintText(PasswordHint? hint) => hint is null ? null : (hint switch
    {
        { ReplacedAt: { } at } => Text["That's an old password. Your password was changed on {0}.", at.ToString("d MMMM yyyy", CultureInfo.CurrentCulture)],
        { Typo: TypoKind.CapsLock } => Text["Your password was typed with Caps Lock on. Turn Caps Lock off and type it again."],
        { Typo: TypoKind.FirstLetterCase } => Text["The first letter of your password has the wrong case; your keyboard may have capitalised it. Type it again."],
        { Typo: TypoKind.Autocorrect } => Text["Your keyboard replaced a quote or dash with a curly one (’ or –). Type it again without autocorrect."],
        _ => Text["Your password had a space or line break at the end that is not part of it. Remove it and try again."],
    }).Value;
}

public sealed class SignInInput
{
    public string? Identifier { get; set; }
    public string? Password { get; set; }
    public bool RememberMe { get; set; }
    /// <summary>The proof-of-work answer the browser's worker found (ALTCHA payload).</summary>
    public string? Solution { get; set; }
    /// <summary>The challenge as issued, sent back unanswered when there is no JavaScript (accepted after its wait).</summary>
    public string? Challenge { get; set; }
}
