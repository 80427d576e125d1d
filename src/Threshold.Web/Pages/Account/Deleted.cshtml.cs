using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Threshold.Web.Pages.Account;

/// <summary>Where a deletion ends: signed out, so it opens without an account.</summary>
[AllowAnonymous]
public sealed class DeletedModel : PageModel
{
    /// <summary>Someone still signed in has not deleted this account: their account page is the place for them.</summary>
    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect("/account") : Page();
}
