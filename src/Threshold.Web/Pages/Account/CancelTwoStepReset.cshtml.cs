using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Threshold.Core.Support.Actions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// "Cancel this reset", from the message sent when an agent asked for a two-step reset:
/// <c>/account/cancel-two-step-reset?token=…</c>. No sign-in needed (the owner may be locked out, and
/// the link's secret is the proof). GET only shows what would be cancelled; the button (POST)
/// cancels, once. A used, unknown or too-late link changes nothing.
/// </summary>
[AllowAnonymous]
public sealed class CancelTwoStepResetModel(FactorResets resets, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty(SupportsGet = true, Name = "token")] public string? Token { get; set; }

    public FactorResetView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        View = await resets.PreviewAsync(Token, ct);
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        View = await resets.CancelAsync(Token, HttpContext.Client(), ct);
        return Answer();
    }

    private PageResult Answer()
    {
        Reference = View.ReferenceCode;
        Response.StatusCode = View.Status switch
        {
            FactorResetStatus.Invalid => StatusCodes.Status400BadRequest,
            FactorResetStatus.Completed => StatusCodes.Status410Gone,
            FactorResetStatus.Cancelled when !View.CancelledNow => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}
