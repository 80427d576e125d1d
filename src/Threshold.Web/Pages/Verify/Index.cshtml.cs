using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Threshold.Core.Factors;
using Threshold.Core.Errors;
using Threshold.Core.Flows.Verification;
using Threshold.Web.Infrastructure;
using Threshold.Web.Pages.Register;

namespace Threshold.Web.Pages.Verify;

/// <summary>GET shows what the link is for and changes nothing; the button (POST) uses it.</summary>
public sealed class VerifyModel(EmailVerificationFlow flow, TwoFactorMethods methods, IOptions<TwoFactorOptions> twoFactor, IConfiguration config)
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
        if (result.SameBrowser)
        {
            // Like every other way in: with TwoFactor:Required = all, a person without a second factor sets one up first.
            var mustEnrol = twoFactor.Value.Required == TwoFactorRequirement.All && !(await methods.ForAccountAsync(result.Account!, ct)).IsOn;
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
