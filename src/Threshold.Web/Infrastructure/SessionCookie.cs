using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Threshold.Core.Accounts;
using Threshold.Core.Sessions;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The authentication cookie carries the session token (encrypted by data protection);
/// every request checks it against the server-side session, so sign-out, expiry and
/// revocation take effect at once, even for a copied cookie.
/// </summary>
public static class SessionCookie
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SessionTokenClaim = "threshold:session";

    public static ClaimsPrincipal Principal(Account account, string sessionToken) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.Id.ToString()),
            new Claim(ClaimTypes.Name, account.UserName ?? ""),
            new Claim(SessionTokenClaim, sessionToken),
        ], Scheme));

    public static async Task SignInAsync(HttpContext context, Account account, string token, Session session)
    {
        var properties = new AuthenticationProperties { IsPersistent = session.Persistent, AllowRefresh = false };
        if (session.Persistent) properties.ExpiresUtc = session.ExpiresAt;
        await context.SignInAsync(Scheme, Principal(account, token), properties);
    }

    public static string? Token(this ClaimsPrincipal user) => user.FindFirstValue(SessionTokenClaim);

    public static Guid? AccountId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionManager>();
        var session = await sessions.ValidateAsync(context.Principal?.Token(), context.HttpContext.RequestAborted);
        if (session is null || session.AccountId != context.Principal?.AccountId())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.HttpContext.Items[typeof(Session)] = session;
    }

    /// <summary>The server-side session this request was authenticated with.</summary>
    public static Session? CurrentSession(this HttpContext context) => context.Items[typeof(Session)] as Session;
}
