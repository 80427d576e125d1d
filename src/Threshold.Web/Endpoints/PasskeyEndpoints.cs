using Microsoft.AspNetCore.Antiforgery;
using Threshold.Core.Accounts;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.StepUp;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Endpoints;

/// <summary>
/// The options a browser needs for navigator.credentials.create()/get(). Each call makes a
/// new challenge whose state is kept server-side (in the session or the pending sign-in)
/// and used once by the form post that completes the ceremony.
/// </summary>
public static class PasskeyEndpoints
{
    public static void MapPasskeyEndpoints(this IEndpointRouteBuilder app)
    {
        // Each call writes a challenge; the sign-in limit (per device cookie, else per network) bounds them.
        var group = app.MapGroup("/passkeys").RequireRateLimiting(DefenseServices.SignInPolicy).AddEndpointFilter(async (context, next) =>
        {
            var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
            return await antiforgery.IsRequestValidAsync(context.HttpContext) ? await next(context) : Results.BadRequest();
        });

        // Adding a passkey: signed in, and recently (ASVS 7.5.1).
        group.MapPost("/creation-options", async (HttpContext http, IAccountStore accounts, ISessionStore sessions, Reauthentication reauth,
            PasskeyCeremonies ceremonies, CancellationToken ct) =>
        {
            if (http.CurrentSession() is not { } session) return Results.Unauthorized();
            // A plain 403 (not the cookie handler's redirect), so the page can send the person to re-authenticate.
            if (!reauth.IsRecent(session)) return Results.StatusCode(StatusCodes.Status403Forbidden);
            var account = await accounts.FindByIdAsync(session.AccountId, ct);
            if (account is null) return Results.Unauthorized();
            var (options, state) = await ceremonies.CreationOptionsAsync(account, http);
            await sessions.SetPasskeyStateAsync(session.Id, state, ct);
            return Results.Content(options, "application/json");
        }).RequireAuthorization();

        // "Sign in with a passkey" and passkey autofill: any passkey of this site, with user verification.
        group.MapPost("/sign-in-options", async (HttpContext http, SecondStep secondStep, TwoFactorCookies cookies, PasskeyCeremonies ceremonies,
            CancellationToken ct) =>
        {
            var (options, state) = await ceremonies.RequestOptionsAsync(null, PasskeyCeremonies.Required, http);
            var (pending, token) = await secondStep.BeginPasskeyAsync(ct);
            await secondStep.SetPasskeyStateAsync(pending, state, ct);
            cookies.SetPending(http, token);
            return Results.Content(options, "application/json");
        });

        // A security key as the second step: only this account's keys.
        group.MapPost("/second-step-options", async (HttpContext http, SecondStep secondStep, TwoFactorCookies cookies, PasskeyCeremonies ceremonies,
            CancellationToken ct) =>
        {
            if (await secondStep.LoadAsync(cookies.PendingToken(http), ct) is not { } step) return Results.NotFound();
            var (options, state) = await ceremonies.RequestOptionsAsync(step.Account, PasskeyCeremonies.Discouraged, http);
            await secondStep.SetPasskeyStateAsync(step.Pending, state, ct);
            return Results.Content(options, "application/json");
        });
    }
}
