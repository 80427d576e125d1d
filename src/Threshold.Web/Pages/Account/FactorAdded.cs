using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>Where to go after a factor was added: backup codes right after the first one, otherwise back to the security page.</summary>
public static class FactorAdded
{
    public static string Next(bool wasFirstFactor, string change, string? returnUrl)
    {
        var back = Uri.EscapeDataString(returnUrl is null ? "/account/security" : ReturnUrl.Safe(returnUrl));
        return wasFirstFactor
            ? "/account/security/backup-codes?first=true&returnUrl=" + back
            : "/account/security?done=" + Uri.EscapeDataString(change);
    }
}
