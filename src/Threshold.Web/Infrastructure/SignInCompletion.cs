using Threshold.Core.Accounts;
using Threshold.Core.Sessions;

namespace Threshold.Web.Infrastructure;

/// <summary>The last step of every way in (password, second factor, passkey): a new session and its cookie.</summary>
public static class SignInCompletion
{
    /// <returns>Where to go next: the safe returnUrl, or the enrolment page when policy requires a second factor first.</returns>
    /// <param name="multiFactor">The way in proved a second factor (the second step, or a passkey with user verification).</param>
    public static async Task<string> CompleteAsync(HttpContext context, Account account, bool persistent, string? returnUrl, bool mustEnrol,
        CancellationToken ct, bool multiFactor = false)
    {
        var sessions = context.RequestServices.GetRequiredService<SessionManager>();
        // A new session (and token) at every sign-in; an earlier one in this browser ends.
        await sessions.EndAsync(context.User.Token(), ct);
        var (session, token) = await sessions.StartAsync(account.Id, persistent, context.Client(), ct, mustEnrol, multiFactor);
        await SessionCookie.SignInAsync(context, account, token, session);
        var next = ReturnUrl.Safe(returnUrl);
        return mustEnrol ? "/account/two-factor?returnUrl=" + Uri.EscapeDataString(next) : next;
    }
}
