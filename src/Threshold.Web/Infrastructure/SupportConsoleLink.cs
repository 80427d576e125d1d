using System.Data.Common;
using Threshold.Core.Support;

namespace Threshold.Web.Infrastructure;

/// <summary>Whether the site header offers "Support console": to agents only, asked only when someone is signed in.</summary>
public static class SupportConsoleLink
{
    public static async Task<bool> ShowAsync(HttpContext http)
    {
        if (http.CurrentSession() is not { } session) return false;
        // On console pages the policy has already asked.
        if (http.Items[typeof(SupportAccess.Verdict)] is SupportAccess.Verdict verdict) return verdict != SupportAccess.Verdict.NotAgent;
        try
        {
            return await http.RequestServices.GetRequiredService<IAgentDirectory>().IsAgentAsync(session.AccountId, http.RequestAborted);
        }
        catch (DbException)
        {
            // The header is on every error page too; one of those must still render when the database cannot answer.
            return false;
        }
    }
}
