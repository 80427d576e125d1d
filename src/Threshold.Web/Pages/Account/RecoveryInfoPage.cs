using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// Adding, changing or removing recovery info: a recent sign-in for every handler (ASVS 7.5.1),
/// a code to the new address or number that only this session can use, and the same answers
/// for the same outcomes on the email and the phone page.
/// </summary>
public abstract class RecoveryInfoPage(IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    protected override bool EveryHandlerNeedsRecentSignIn => true;

    [BindProperty] public string? Code { get; set; }
    /// <summary>The code was sent: the page asks for it.</summary>
    public bool CodeSent { get; protected set; }

    /// <summary>A code asked for in this session works only in this session.</summary>
    protected string Binding => "session:" + (HttpContext.CurrentSession()?.Id.ToString("N") ?? "");

    /// <param name="sentTo">Shown in "We sent a code to …".</param>
    protected IActionResult AfterSend(RecoveryChangeResult result, string sentTo)
    {
        Reference = result.ReferenceCode;
        switch (result.Outcome)
        {
            case RecoveryChangeOutcome.CodeSent:
                CodeSent = true;
                Notice = Text["We sent a code to {0}.", sentTo];
                break;
            case RecoveryChangeOutcome.TooSoon:
                CodeSent = true;
                Summary = Text["We sent a code a moment ago. You can ask for another in {0}.", TooSoon.Answer(this, Text, result.RetryAfter!.Value)];
                break;
            default:
                Refuse(result);
                break;
        }
        return Page();
    }

    /// <param name="done">The change code the security page is sent back with.</param>
    protected IActionResult AfterConfirm(RecoveryChangeResult result, string done)
    {
        Reference = result.ReferenceCode;
        CodeSent = true;
        switch (result.Outcome)
        {
            case RecoveryChangeOutcome.Saved:
                return LocalRedirect("/account/security?done=" + Uri.EscapeDataString(done));
            case RecoveryChangeOutcome.WrongCode:
                FieldErrors["Code"] = result.AttemptsLeft > 0
                    ? Text["That code is not right. You have {0} more tries with this code.", result.AttemptsLeft]
                    : Text["That code is not right. Check it and try again."];
                Summary = Text["Please correct the following and try again."];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case RecoveryChangeOutcome.CodeExpired:
                Summary = Text["That code has expired or was entered wrongly too many times. Send a new code."];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            default:
                CodeSent = false;
                Refuse(result);
                break;
        }
        return Page();
    }

    protected IActionResult AfterRemove(RecoveryChangeResult result, string done)
    {
        if (result.Outcome == RecoveryChangeOutcome.Saved) return LocalRedirect("/account/security?done=" + Uri.EscapeDataString(done));
        Reference = result.ReferenceCode;
        Summary = Text["There is nothing to remove."];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>The typed address or number cannot be used: its field says why; nothing was sent or saved.</summary>
    private void Refuse(RecoveryChangeResult result)
    {
        Show(result.Problems, result.ReferenceCode);
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
