using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;


namespace Threshold.Web.Pages.SignIn;

public sealed class SignInModel(PasswordSignIn signIn, SessionManager sessions, IStringLocalizer<SharedResource> text) : FormPage(text)
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
        var result = await signIn.SignInAsync(new PasswordSignInRequest(Input.Identifier, Input.Password, HttpContext.Client()), ct);
        if (!result.Succeeded)
        {
            if (result.Outcome == SignInOutcome.InvalidCredentials)
                Summary = HintText(result.Hint) ?? Text["That email, username or password is not right. Check them and try again, or use \"Forgot password?\"."];
            Hint = result.Hint;
            Show(result.Problems, result.ReferenceCode);
            Response.StatusCode = result.Outcome == SignInOutcome.MissingInput ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized;
            return Page();
        }

        // A new session (and token) at every sign-in; an earlier one in this browser ends.
        await sessions.EndAsync(User.Token(), ct);
        var (session, token) = await sessions.StartAsync(result.Account!.Id, Input.RememberMe, HttpContext.Client(), ct);
        await SessionCookie.SignInAsync(HttpContext, result.Account, token, session);
        return LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl));
    }

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
}
