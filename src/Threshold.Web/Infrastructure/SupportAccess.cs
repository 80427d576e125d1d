using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Threshold.Core.Accounts;
using Threshold.Core.Factors;
using Threshold.Core.Support;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The console's own authorization policy: the account holds the agent role and this session
/// proved a second factor. Customers get 403; an agent whose session did not pass the second step
/// is sent to prove it (or to set one up), then back.
/// </summary>
public static class SupportAccess
{
    public const string Policy = "SupportAgent";

    public enum Verdict { Allowed, NotAgent, NeedsSecondStep, NeedsTwoFactorSetup }

    public sealed class Requirement : IAuthorizationRequirement;

    public sealed class Handler(IAgentDirectory agents, IAccountStore accounts, TwoFactorMethods methods) : AuthorizationHandler<Requirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (context.Resource is not HttpContext http) return;
            var verdict = await DecideAsync(http);
            http.Items[typeof(Verdict)] = verdict;
            if (verdict == Verdict.Allowed) context.Succeed(requirement);
        }

        private async Task<Verdict> DecideAsync(HttpContext http)
        {
            var ct = http.RequestAborted;
            if (http.CurrentSession() is not { } session || !await agents.IsAgentAsync(session.AccountId, ct)) return Verdict.NotAgent;
            if (session.MultiFactorAt is not null) return Verdict.Allowed;
            var account = await accounts.FindByIdAsync(session.AccountId, ct);
            return account is not null && (await methods.ForAccountAsync(account, ct)).IsOn ? Verdict.NeedsSecondStep : Verdict.NeedsTwoFactorSetup;
        }
    }

    /// <summary>Why the console said no, as decided by <see cref="Handler"/> for this request.</summary>
    public static Verdict VerdictOf(HttpContext http) => http.Items[typeof(Verdict)] as Verdict? ?? Verdict.NotAgent;

    /// <summary>The cookie handler's "access denied": 403 for customers, the way to a second step for agents.</summary>
    public static Task OnAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        var back = Uri.EscapeDataString(ReturnUrl.Safe(context.Request.Path + context.Request.QueryString));
        switch (VerdictOf(context.HttpContext))
        {
            case Verdict.NeedsSecondStep:
                context.Response.Redirect("/account/reauthenticate?returnUrl=" + back);
                break;
            case Verdict.NeedsTwoFactorSetup:
                context.Response.Redirect("/account/two-factor?returnUrl=" + back);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                break;
        }
        return Task.CompletedTask;
    }
}
