using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.SignOut;

/// <summary>POST only: a link or image cannot sign anyone out. Ends the server-side session so a copied cookie dies too.</summary>
public sealed class SignOutModel(SessionManager sessions, ISecurityEventLog events, TimeProvider clock) : PageModel
{
    public IActionResult OnGet() => StatusCode(StatusCodes.Status405MethodNotAllowed);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.AccountId() is { } accountId)
        {
            await sessions.EndAsync(User.Token(), ct);
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignedOut, clock.GetUtcNow(), HttpContext.Client(), ReferenceCode.New(), accountId, User.Identity?.Name), ct);
        }
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return LocalRedirect("/");
    }
}
