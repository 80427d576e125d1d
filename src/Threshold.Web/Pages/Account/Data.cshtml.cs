using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts.Data;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// "Your data": download everything we keep about the account, or delete it. Both act only on a
/// POST with the antiforgery token and after a sign-in within the last ten minutes: the file holds
/// the whole sign-in history with addresses and places, too much for whoever finds a device left
/// signed in; and deletion cannot be undone.
/// </summary>
public sealed class DataModel(AccountDataExport export, AccountDeletion deletion, IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    /// <summary>"I understand this cannot be undone".</summary>
    [BindProperty] public bool Understood { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        if (RecentSignInRedirect() is { } redirect) return redirect;
        var file = await export.ExportAsync(Account, HttpContext.CurrentSession()?.Id, HttpContext.Client(), ct);
        Response.Headers.CacheControl = "no-store";
        return File(file.Json, "application/json", file.FileName);
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (RecentSignInRedirect() is { } redirect) return redirect;
        var result = await deletion.DeleteAsync(new AccountDeletionRequest(Account, Understood, HttpContext.Client()), ct);
        if (!result.Deleted)
        {
            Show(result.Problems, result.ReferenceCode);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // The session is gone with the account; this clears the browser's cookie as well.
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return LocalRedirect("/account/deleted");
    }
}
