using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>The browsers signed in to this account; sign one out, or all but this one (ASVS 7.5.2).</summary>
public sealed class SessionsModel(ActiveSessions sessions, IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    /// <summary>The session a "Sign out" button names, exactly as the form sent it.</summary>
    [BindProperty] public string? SessionId { get; set; }

    public IReadOnlyList<ActiveSession> Sessions { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>
    /// Signs one session out. Only a session of this account can be named; anything else changes nothing.
    /// Ending another browser's session needs a recent sign-in (ASVS 7.5.2), so a stolen session cannot
    /// throw the owner out; ending this one is an ordinary sign-out.
    /// </summary>
    public async Task<IActionResult> OnPostEndAsync(CancellationToken ct)
    {
        var current = HttpContext.CurrentSession()?.Id;
        if (!(Guid.TryParse(SessionId, out var named) && named == current) && RecentSignInRedirect() is { } redirect) return redirect;
        var result = await sessions.EndAsync(Account, SessionId, current, HttpContext.Client(), ct);
        switch (result.Outcome)
        {
            case EndSessionOutcome.EndedCurrent:
                await HttpContext.SignOutAsync(SessionCookie.Scheme);
                return LocalRedirect("/");
            case EndSessionOutcome.Ended:
                Notice = Text["That session was signed out. If you did not recognise it, change your password too."];
                break;
            default:
                Summary = Text["That is not a session of your account, or it has ended already. Nothing was signed out."];
                Reference = result.ReferenceCode;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>"Sign out everywhere else": needs a sign-in within the last few minutes, then ends every other session.</summary>
    public async Task<IActionResult> OnPostOthersAsync(CancellationToken ct)
    {
        if (RecentSignInRedirect() is { } redirect) return redirect;
        if (HttpContext.CurrentSession() is not { } current) return Challenge();
        var ended = await sessions.EndOthersAsync(Account, current.Id, HttpContext.Client(), ct);
        Notice = ended == 1
            ? Text["You were signed out everywhere else: 1 other session ended."]
            : Text["You were signed out everywhere else: {0} other sessions ended.", ended];
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Sessions = await sessions.ListAsync(Account.Id, HttpContext.CurrentSession()?.Id, ct);
}
