using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Defense;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;


namespace Threshold.Web.Pages.SignIn;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.SignInPolicy)]
public sealed class SignInModel(ProtectedSignIn signIn, DeviceCookies devices, SessionManager sessions, TimeProvider clock,
    IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public SignInInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>"done" after a password reset: says so above the form.</summary>
    [BindProperty(SupportsGet = true)] public string? Reset { get; set; }
    /// <summary>Set when a failed password was a recognised typo or an old password.</summary>
    public PasswordHint? Hint { get; private set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var guarded = await signIn.SignInAsync(new ProtectedSignInRequest(
            new PasswordSignInRequest(Input.Identifier, Input.Password, HttpContext.Client()),
            devices.Read(HttpContext), NetworkKey.Of(HttpContext.Connection.RemoteIpAddress), Input.Solution, Input.Challenge), ct);
        ProofOfWork = guarded.Challenge;
        if (guarded.SignIn is not { Succeeded: true } result)
            return Refused(guarded);

        devices.Write(HttpContext, guarded.IssueDevice!);

        // A new session (and token) at every sign-in; an earlier one in this browser ends.
        await sessions.EndAsync(User.Token(), ct);
        var (session, token) = await sessions.StartAsync(result.Account!.Id, Input.RememberMe, HttpContext.Client(), ct);
        await SessionCookie.SignInAsync(HttpContext, result.Account, token, session);
        return LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl));
    }

    /// <summary>Set when the next attempt needs the browser's proof of work (or, without JavaScript, a wait).</summary>
    public IssuedChallenge? ProofOfWork { get; private set; }

    /// <summary>Wrong credentials, a challenge to answer, or a pause: the same words whether or not the account exists.</summary>
    private IActionResult Refused(ProtectedSignInResult guarded)
    {
        var result = guarded.SignIn;
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
