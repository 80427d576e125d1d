using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;


namespace Threshold.Web.Pages.SignIn;

public sealed class SignInModel(PasswordSignIn signIn, SessionManager sessions, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public SignInInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await signIn.SignInAsync(new PasswordSignInRequest(Input.Identifier, Input.Password, HttpContext.Client()), ct);
        if (!result.Succeeded)
        {
            if (result.Outcome == SignInOutcome.InvalidCredentials)
                Summary = Text["That email, username or password is not right. Check them and try again, or use \"Forgot password?\"."];
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
}

public sealed class SignInInput
{
    public string? Identifier { get; set; }
    public string? Password { get; set; }
    public bool RememberMe { get; set; }
}
