using Threshold.Core.Sessions;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// With TwoFactor:Required = all, a session that signed in without a second factor sees
/// only the enrolment pages (and can sign out) until one is set up.
/// </summary>
public static class TwoFactorEnrolmentGate
{
    private static readonly string[] Open =
        ["/account/two-factor", "/account/not-me", "/account/cancel-two-step-reset", "/account/security", "/account/reauthenticate", "/signin/two-factor", "/passkeys", "/signout", "/error", "/css", "/js", "/favicon.svg", "/healthz"];

    public static IApplicationBuilder UseTwoFactorEnrolmentGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.CurrentSession() is { MustEnrolTwoFactor: true } &&
            !Open.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            var back = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect("/account/two-factor?returnUrl=" + Uri.EscapeDataString(ReturnUrl.Safe(back)));
            return;
        }
        await next();
    });
}
