using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>"Set up two-step sign-in": the choice of methods (and where policy sends a person who has none).</summary>
public sealed class TwoFactorSetupModel(TwoFactorMethods methods, CodeChannels channels, IOptions<TwoFactorOptions> options,
    IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    public TwoFactorOptions Options => options.Value;
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public TwoFactorState Factors { get; private set; } = null!;
    public bool Required => HttpContext.CurrentSession()?.MustEnrolTwoFactor == true;

    public string Query => ReturnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(Infrastructure.ReturnUrl.Safe(ReturnUrl));

    public async Task OnGetAsync(CancellationToken ct) => Factors = await methods.ForAccountAsync(Account, ct);

    /// <summary>Codes by email to the verified address.</summary>
    public async Task<IActionResult> OnPostEmailAsync(CancellationToken ct)
    {
        if (RecentSignInRedirect() is { } redirect) return redirect;
        var wasOff = !(await methods.ForAccountAsync(Account, ct)).IsOn;
        if (!await channels.TurnOnEmailAsync(Account, HttpContext.Client(), ct))
        {
            Factors = await methods.ForAccountAsync(Account, ct);
            Summary = Text["Confirm your email address first: open the link we sent you."];
            Reference = Core.Errors.ReferenceCode.New();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return LocalRedirect(FactorAdded.Next(wasOff, "email-on", ReturnUrl));
    }
}
