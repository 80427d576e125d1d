using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Passwords;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Recover;

public sealed class CodeModel(PasswordReset reset, PasswordPolicy policy, IOptions<RecoveryOptions> options, IConfiguration config,
    IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public CodeInput Input { get; set; } = new();
    public bool Dead { get; private set; }
    public int MinLength => policy.MinLength;
    public int CodeMinutes => (int)options.Value.CodeLifetime.TotalMinutes;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var binding = Request.Cookies[ThresholdServices.CookieName(config, PasswordModel.BrowserBindingCookiePurpose)];
        var result = await reset.CompleteWithCodeAsync(binding, Input.Code, Input.NewPassword, HttpContext.Client(), ct);
        if (result.Completed)
        {
            Response.Cookies.Delete(ThresholdServices.CookieName(config, PasswordModel.BrowserBindingCookiePurpose), new CookieOptions { Path = "/recover" });
            return LocalRedirect("/signin?reset=done");
        }
        Reference = result.ReferenceCode;
        switch (result.Status)
        {
            case ResetStatus.WrongCode:
                Summary = Text["That code is not right. You have {0} more tries.", result.AttemptsLeft];
                break;
            case ResetStatus.Valid:
                break;
            default:
                Dead = true;
                Summary = result.Status switch
                {
                    ResetStatus.Expired => Text["The code has expired. Codes work for {0} minutes.", CodeMinutes],
                    ResetStatus.TooManyAttempts => Text["There were too many wrong codes. Ask for a new one."],
                    ResetStatus.Used => Text["This code was already used."],
                    ResetStatus.Superseded => Text["The password was changed since this code was sent."],
                    _ => Text["We have no code for this browser. Ask for a code from this browser."],
                };
                Response.StatusCode = StatusCodes.Status410Gone;
                return Page();
        }
        Show(result.Problems, result.ReferenceCode, policy.MinLength, policy.MaxLength);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}

public sealed class CodeInput
{
    public string? Code { get; set; }
    public string? NewPassword { get; set; }
}
