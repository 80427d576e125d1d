using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Threshold.Core.Accounts;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

public sealed class AccountModel(IAccountStore accounts) : PageModel
{
    public Core.Accounts.Account Account { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = User.AccountId() is { } id ? await accounts.FindByIdAsync(id, ct) : null;
        if (account is null)
        {
            await HttpContext.SignOutAsync(SessionCookie.Scheme);
            return Challenge();
        }
        Account = account;
        return Page();
    }
}
