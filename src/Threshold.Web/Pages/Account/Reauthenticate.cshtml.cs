using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.StepUp;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>"Confirm it's you": the password (then the second factor, if any) before a sensitive change.</summary>
public sealed class ReauthenticateModel(Reauthentication reauthentication, TwoFactorCookies cookies, IStringLocalizer<SharedResource> text)
    : AccountPage(text)
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Password { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (HttpContext.CurrentSession() is not { } session) return Challenge();
        var result = await reauthentication.WithPasswordAsync(Account, session, Password, HttpContext.Client(), ct);
        switch (result.Outcome)
        {
            case ReauthenticationOutcome.Done:
                return LocalRedirect(Infrastructure.ReturnUrl.Safe(ReturnUrl));
            case ReauthenticationOutcome.SecondStepNeeded:
                cookies.SetPending(HttpContext, result.SecondStepToken!);
                return LocalRedirect("/signin/two-factor?returnUrl=" + Uri.EscapeDataString(Infrastructure.ReturnUrl.Safe(ReturnUrl)));
            default:
                FieldErrors["Password"] = Text["That password is not right."];
                Summary = Text["Please correct the following and try again."];
                Reference = result.ReferenceCode;
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }
}
