using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts;
using Threshold.Core.Flows.StepUp;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>A signed-in page about the account: loads it, and can demand a recent sign-in (ASVS 7.5.1).</summary>
public abstract class AccountPage(IStringLocalizer<SharedResource> text) : FormPage(text)
{
    public Core.Accounts.Account Account { get; private set; } = null!;
    /// <summary>Said after a successful action (role="status").</summary>
    public string? Notice { get; protected set; }

    /// <summary>Every handler of this page needs a sign-in within the re-authentication window.</summary>
    protected virtual bool EveryHandlerNeedsRecentSignIn => false;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var accounts = HttpContext.RequestServices.GetRequiredService<IAccountStore>();
        if (User.AccountId() is not { } id || await accounts.FindByIdAsync(id, HttpContext.RequestAborted) is not { } account)
        {
            context.Result = Challenge();
            return;
        }
        Account = account;
        if (EveryHandlerNeedsRecentSignIn && RecentSignInRedirect() is { } redirect)
        {
            context.Result = redirect;
            return;
        }
        await next();
    }

    /// <summary>Null when the session signed in recently enough; otherwise the way to prove it again, and back here.</summary>
    protected IActionResult? RecentSignInRedirect()
    {
        var reauthentication = HttpContext.RequestServices.GetRequiredService<Reauthentication>();
        if (HttpContext.CurrentSession() is { } session && reauthentication.IsRecent(session)) return null;
        var back = HttpMethods.IsGet(Request.Method) ? Request.Path + Request.QueryString : Request.Path.ToString();
        return LocalRedirect("/account/reauthenticate?returnUrl=" + Uri.EscapeDataString(ReturnUrl.Safe(back)));
    }
}
