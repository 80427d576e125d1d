using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Factors.Totp;

public sealed record TotpSetup(string Base32Secret, string Uri);

public enum TotpConfirmOutcome { Confirmed, Malformed, Wrong, NothingPending }

public sealed record TotpConfirmResult(TotpConfirmOutcome Outcome, string ReferenceCode, bool WasFirstFactor = false);

/// <summary>
/// The authenticator-app factor (TOTP). Setting it up shows a new key that becomes active
/// only after a current code from the app proves it was saved; a code's time step is
/// accepted once, at sign-in and at confirmation alike.
/// </summary>
public sealed class AuthenticatorApp(
    IFactorStore store,
    ISecretProtector protector,
    FactorChanges changes,
    TwoFactorMethods methods,
    IOptions<ThresholdOptions> options,
    TimeProvider clock)
{
    /// <summary>The key being set up: the same one on every reload until it is confirmed.</summary>
    public async Task<TotpSetup> BeginAsync(Account account, CancellationToken ct = default)
    {
        var pending = await store.PendingTotpAsync(account.Id, ct);
        var secret = pending is null ? null : Secret(pending);
        if (secret is null)
        {
            secret = TotpCodes.NewSecret();
            await store.SavePendingTotpAsync(new TotpAuthenticator
            {
                Id = Guid.NewGuid(), AccountId = account.Id, ProtectedSecret = protector.Protect(TotpCodes.ToBase32(secret)), CreatedAt = clock.GetUtcNow(),
            }, ct);
        }
        var base32 = TotpCodes.ToBase32(secret);
        return new(base32, TotpCodes.Uri(base32, options.Value.ServiceName, account.UserName ?? account.Email ?? ""));
    }

    public async Task<TotpConfirmResult> ConfirmAsync(Account account, string? code, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (TotpCodes.Normalize(code) is null) return new(TotpConfirmOutcome.Malformed, reference);
        var pending = await store.PendingTotpAsync(account.Id, ct);
        if (pending is null || Secret(pending) is not { } secret) return new(TotpConfirmOutcome.NothingPending, reference);
        if (TotpCodes.MatchingStep(secret, code, clock.GetUtcNow()) is not { } step) return new(TotpConfirmOutcome.Wrong, reference);

        var wasOff = !(await methods.ForAccountAsync(account, ct)).IsOn;
        var change = changes.Describe(account, "totp-added", SecurityEventKind.FactorEnrolled, client, reference);
        return await store.TryConfirmTotpAsync(pending.Id, step, clock.GetUtcNow(), change, ct)
            ? new(TotpConfirmOutcome.Confirmed, reference, wasOff)
            : new(TotpConfirmOutcome.NothingPending, reference);
    }

    /// <summary>True for a right code whose time step was not used before.</summary>
    public async Task<bool> VerifyAsync(Guid accountId, string? code, CancellationToken ct = default)
    {
        var authenticator = await store.ConfirmedTotpAsync(accountId, ct);
        if (authenticator is null || Secret(authenticator) is not { } secret) return false;
        if (TotpCodes.MatchingStep(secret, code, clock.GetUtcNow()) is not { } step) return false;
        return step > authenticator.LastUsedStep && await store.TryUseTotpStepAsync(authenticator.Id, step, ct);
    }

    public async Task<bool> RemoveAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        var change = changes.Describe(account, "totp-removed", SecurityEventKind.FactorRemoved, client, ReferenceCode.New());
        return await store.RemoveTotpAsync(account.Id, change, ct);
    }

    private byte[]? Secret(TotpAuthenticator authenticator)
    {
        var base32 = protector.Unprotect(authenticator.ProtectedSecret);
        return base32 is null ? null : TotpCodes.FromBase32(base32);
    }
}
