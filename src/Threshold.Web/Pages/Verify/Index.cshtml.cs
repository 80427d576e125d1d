using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Threshold.Core.Errors;
using Threshold.Core.Flows.Verification;
using Microsoft.Extensions.Options;
using Threshold.Core.Factors;
using Threshold.Web.Infrastructure;
using Threshold.Web.Pages.Register;

namespace Threshold.Web.Pages.Verify;

/// <summary>GET shows what the link is for and changes nothing; the button (POST) uses it.</summary>
public sealed class VerifyModel(EmailVerificationFlow flow, TwoFactorMethods twoFactor, IOptions<TwoFactorOptions> twoFactorOptions, IConfiguration config)
    : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public VerificationStatus Status { get; private set; }
    public string? Username { get; private set; }
    public string? Reference { get; private set; }
    public bool Confirmed { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var preview = await flow.PreviewAsync(Token, ct);
        Status = preview.Status;
        Username = preview.Username;
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var binding = Request.Cookies[ThresholdServices.CookieName(config, RegisterModel.BrowserBindingCookiePurpose)];
        var result = await flow.ConfirmAsync(Token, binding, HttpContext.Client(), ct);
        Status = result.Status;
        Reference = result.ReferenceCode;
        if (!result.Verified) return Answer();

        Response.Cookies.Delete(ThresholdServices.CookieName(config, RegisterModel.BrowserBindingCookiePurpose));
        // The registering browser continues signed in, unless a second factor was set up
        // meanwhile: then the link must not be a way around it, and the person signs in.
        if (result.SameBrowser && !(await twoFactor.ForAccountAsync(result.Account!, ct)).IsOn)
        {
            var mustEnrol = twoFactorOptions.Value.Required == TwoFactorRequirement.All;
            return LocalRedirect(await SignInCompletion.CompleteAsync(HttpContext, result.Account!, persistent: false, ReturnUrl.Default, mustEnrol, ct));
        }
        Confirmed = true;
        return Page();
    }

    private PageResult Answer()
    {
        if (Status != VerificationStatus.Valid)
        {
            Reference ??= ReferenceCode.New();
            Response.StatusCode = Status == VerificationStatus.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status410Gone;
        }
        return Page();
    }
}
