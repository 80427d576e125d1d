using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The WebAuthn ceremonies, done by ASP.NET Core Identity's passkey handler. A passkey
/// that signs in alone must verify the person (PIN, fingerprint: "required"); a security
/// key after a password only has to be present ("discouraged" asks for no PIN).
/// </summary>
public sealed class PasskeyCeremonies(UserManager<Account> users, IOptions<IdentityPasskeyOptions> configured)
{
    public const string Required = "required";
    public const string Discouraged = "discouraged";

    public async Task<(string OptionsJson, string State)> CreationOptionsAsync(Account account, HttpContext context)
    {
        var entity = new PasskeyUserEntity { Id = account.Id.ToString(), Name = account.UserName ?? account.Email ?? "", DisplayName = account.UserName ?? "" };
        var result = await Handler(Required).MakeCreationOptionsAsync(entity, context);
        return (result.CreationOptionsJson, result.AttestationState ?? "");
    }

    public Task<PasskeyAttestationResult> AttestAsync(string? credentialJson, string state, HttpContext context) =>
        Handler(Required).PerformAttestationAsync(new PasskeyAttestationContext
        {
            HttpContext = context, CredentialJson = Bounded(credentialJson), AttestationState = state,
        });

    /// <param name="account">Null for a sign-in with a passkey alone (the browser offers any passkey for this site).</param>
    public async Task<(string OptionsJson, string State)> RequestOptionsAsync(Account? account, string userVerification, HttpContext context)
    {
        var result = await Handler(userVerification).MakeRequestOptionsAsync(account, context);
        return (result.RequestOptionsJson, result.AssertionState ?? "");
    }

    public Task<PasskeyAssertionResult<Account>> AssertAsync(string? credentialJson, string state, string userVerification, HttpContext context) =>
        Handler(userVerification).PerformAssertionAsync(new PasskeyAssertionContext
        {
            HttpContext = context, CredentialJson = Bounded(credentialJson), AssertionState = state,
        });

    /// <summary>Credential JSON is a few kilobytes at most; anything larger is refused before parsing.</summary>
    private static string Bounded(string? json) => json is { Length: > 0 and <= 64 * 1024 } ? json : "{}";

    private PasskeyHandler<Account> Handler(string userVerification)
    {
        var o = configured.Value;
        return new PasskeyHandler<Account>(users, Options.Create(new IdentityPasskeyOptions
        {
            ServerDomain = o.ServerDomain,
            ValidateOrigin = o.ValidateOrigin,
            AuthenticatorTimeout = o.AuthenticatorTimeout,
            ChallengeSize = o.ChallengeSize,
            ResidentKeyRequirement = o.ResidentKeyRequirement,
            AttestationConveyancePreference = o.AttestationConveyancePreference,
            AuthenticatorAttachment = o.AuthenticatorAttachment,
            IsAllowedAlgorithm = o.IsAllowedAlgorithm,
            VerifyAttestationStatement = o.VerifyAttestationStatement,
            UserVerificationRequirement = userVerification,
        }));
    }
}
