using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Recover;

[EnableRateLimiting(RecoveryRateLimit.Policy)]
public sealed class PasswordModel(PasswordReset reset, IOptions<RecoveryOptions> options, IConfiguration config, IStringLocalizer<SharedResource> text)
    : FormPage(text)
{
    /// <summary>Binds a texted code to the browser that asked for it.</summary>
    public const string BrowserBindingCookiePurpose = "Recovery";

    [BindProperty] public ResetInput Input { get; set; } = new();
    public ResetRequestResult? Result { get; private set; }
    public int LinkMinutes => (int)options.Value.LinkLifetime.TotalMinutes;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var binding = SecretToken.New();
        Result = await reset.RequestAsync(new ResetRequest(Input.Identifier, Input.Channel, binding, HttpContext.Client()), ct);
        switch (Result.Outcome)
        {
            case ResetRequestOutcome.Invalid:
                Show(Result.Problems, Result.ReferenceCode);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case ResetRequestOutcome.TooSoon:
                Summary = Text["You asked a moment ago. You can ask again in {0}.", TooSoon.Answer(this, Text, Result.RetryAfter)];
                Reference = Result.ReferenceCode;
                Result = null;
                break;
            case ResetRequestOutcome.Sent when Result.Channel == MessageChannel.Sms:
                Response.Cookies.Append(ThresholdServices.CookieName(config, BrowserBindingCookiePurpose), binding, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, Path = "/recover", MaxAge = options.Value.CodeLifetime,
                });
                return RedirectToPage("/Recover/Code");
        }
        return Page();
    }
}

public sealed class ResetInput
{
    public string? Identifier { get; set; }
    public MessageChannel? Channel { get; set; }
}
