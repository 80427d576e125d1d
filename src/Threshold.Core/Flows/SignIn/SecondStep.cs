using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;

namespace Threshold.Core.Flows.SignIn;

/// <summary>A second step in progress, with what the account can answer it with.</summary>
public sealed record SecondStepContext(PendingSignIn Pending, Account Account, TwoFactorState Factors);

public enum SecondStepOutcome { Succeeded, Wrong, Malformed, Expired, TooManyAttempts, TooSoon, NotEnrolled, NoCode }

public sealed record SecondStepResult(SecondStepOutcome Outcome, string ReferenceCode, TimeSpan? RetryAfter = null, int AttemptsLeft = 0,
    PendingSignIn? Completed = null)
{
    public bool Succeeded => Outcome == SecondStepOutcome.Succeeded;
}

/// <summary>
/// The step after the password (or before a sensitive change): asks for one of the
/// account's second factors, counts wrong answers apart from password failures and
/// slows them down, and completes the sign-in exactly once.
/// </summary>
public sealed class SecondStep(
    IPendingSignInStore pendingStore,
    IAccountStore accounts,
    IFactorStore factors,
    TwoFactorMethods methods,
    AuthenticatorApp authenticator,
    OutOfBandCodes codes,
    BackupCodeSet backupCodes,
    ISecurityEventLog events,
    SignInRecorder signIns,
    IOptions<TwoFactorOptions> options,
    TimeProvider clock)
{
    private TwoFactorOptions Options => options.Value;

    /// <returns>The token for the browser's cookie (only its hash is stored).</returns>
    public async Task<string> BeginAsync(Account account, TwoFactorState state, PendingSignInPurpose purpose, bool persistent, Guid? sessionId,
        ClientInfo client, CancellationToken ct = default)
    {
        var (pending, token) = await CreateAsync(purpose, account.Id, persistent, sessionId, ct);
        // A code by text or email is on its way as soon as the page asks for it.
        if (state.Default is SecondFactorKind.Sms or SecondFactorKind.Email)
            await SendCodeAsync(new SecondStepContext(pending, account, state), state.Default.Value, client, ct);
        return token;
    }

    /// <summary>A passkey sign-in waiting for the browser's answer (the account is not known yet).</summary>
    public Task<(PendingSignIn Pending, string Token)> BeginPasskeyAsync(CancellationToken ct = default) =>
        CreateAsync(PendingSignInPurpose.Passkey, null, persistent: false, sessionId: null, ct);

    public async Task<PendingSignIn?> FindAsync(string? token, CancellationToken ct = default)
    {
        if (SecretToken.Parse(token) is not { } parsed) return null;
        var pending = await pendingStore.FindByTokenHashAsync(SecretToken.Hash(parsed), ct);
        return pending is null || clock.GetUtcNow() >= pending.ExpiresAt ? null : pending;
    }

    /// <summary>The second step for this token, or null when there is none or it expired.</summary>
    public async Task<SecondStepContext?> LoadAsync(string? token, CancellationToken ct = default)
    {
        if (await FindAsync(token, ct) is not { AccountId: { } accountId, Purpose: not PendingSignInPurpose.Passkey } pending) return null;
        var account = await accounts.FindByIdAsync(accountId, ct);
        return account is null ? null : new(pending, account, await methods.ForAccountAsync(account, ct));
    }

    public Task SetPasskeyStateAsync(PendingSignIn pending, string? state, CancellationToken ct = default) =>
        pendingStore.SetPasskeyStateAsync(pending.Id, state, ct);

    public async Task<CodeSendResult> SendCodeAsync(SecondStepContext context, SecondFactorKind kind, ClientInfo client, CancellationToken ct = default)
    {
        var (channel, destination) = kind switch
        {
            SecondFactorKind.Sms when context.Factors.Has(kind) => (MessageChannel.Sms, context.Account.PhoneNumber!),
            SecondFactorKind.Email when context.Factors.Has(kind) => (MessageChannel.Email, context.Account.Email!),
            _ => throw new ArgumentException("Codes go only to an enrolled phone or email.", nameof(kind)),
        };
        var sent = await codes.SendAsync(context.Account, CodePurpose.SignIn, channel, destination, Binding(context.Pending), client, ReferenceCode.New(), ct);
        // A new code works for its whole lifetime: the sign-in it belongs to lasts at least as long.
        if (sent.Outcome == CodeSendOutcome.Sent)
            await pendingStore.ExtendAsync(context.Pending.Id, clock.GetUtcNow() + Options.CodeLifetime, ct);
        return sent;
    }

    /// <summary>Checks a code from an app, a text message, an email or the backup list.</summary>
    public async Task<SecondStepResult> VerifyAsync(SecondStepContext context, SecondFactorKind kind, string? typed, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (!context.Factors.Has(kind) || kind == SecondFactorKind.SecurityKey) return new(SecondStepOutcome.NotEnrolled, reference);
        if (Wait(context.Account) is { } wait) return new(SecondStepOutcome.TooSoon, reference, wait);

        var malformed = kind switch
        {
            SecondFactorKind.Totp => TotpCodes.Normalize(typed) is null,
            SecondFactorKind.BackupCode => BackupCodeFormat.Normalize(typed) is null,
            _ => OutOfBandCodes.Normalize(typed) is null,
        };
        // A mistyped code (letters, wrong length) is not a guess: it is not counted.
        if (malformed) return new(SecondStepOutcome.Malformed, reference);

        switch (kind)
        {
            case SecondFactorKind.Totp:
                return await authenticator.VerifyAsync(context.Account.Id, typed, ct)
                    ? await CompleteAsync(context, kind, client, reference, ct)
                    : await FailAsync(context, kind, client, reference, SecondStepOutcome.Wrong, 0, ct);
            case SecondFactorKind.BackupCode:
                return await backupCodes.UseAsync(context.Account, typed, client, ct)
                    ? await CompleteAsync(context, kind, client, reference, ct)
                    : await FailAsync(context, kind, client, reference, SecondStepOutcome.Wrong, 0, ct);
            default:
                var check = await codes.CheckAsync(context.Account.Id, CodePurpose.SignIn, Binding(context.Pending), typed, ct);
                return check.Outcome switch
                {
                    CodeCheckOutcome.Accepted => await CompleteAsync(context, kind, client, reference, ct),
                    CodeCheckOutcome.Wrong => await FailAsync(context, kind, client, reference, SecondStepOutcome.Wrong, check.AttemptsLeft, ct),
                    CodeCheckOutcome.TooManyAttempts => await FailAsync(context, kind, client, reference, SecondStepOutcome.TooManyAttempts, 0, ct),
                    CodeCheckOutcome.Expired => new(SecondStepOutcome.Expired, reference),
                    _ => new(SecondStepOutcome.NoCode, reference),
                };
        }
    }

    /// <summary>The security key's answer, already checked by the WebAuthn handler.</summary>
    public async Task<SecondStepResult> CompleteWithSecurityKeyAsync(SecondStepContext context, bool verified, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (!context.Factors.Has(SecondFactorKind.SecurityKey)) return new(SecondStepOutcome.NotEnrolled, reference);
        if (Wait(context.Account) is { } wait) return new(SecondStepOutcome.TooSoon, reference, wait);
        return verified
            ? await CompleteAsync(context, SecondFactorKind.SecurityKey, client, reference, ct)
            : await FailAsync(context, SecondFactorKind.SecurityKey, client, reference, SecondStepOutcome.Wrong, 0, ct);
    }

    public TimeSpan? Wait(Account account) =>
        SecondFactorThrottle.WaitBeforeNextTry(account.SecondFactorFailures, account.SecondFactorFailedAt, clock.GetUtcNow(), Options);

    /// <summary>Ends a pending sign-in exactly once; false when it was ended meanwhile (a double submit, a replay).</summary>
    public Task<bool> EndAsync(PendingSignIn pending, CancellationToken ct = default) => pendingStore.TryDeleteAsync(pending.Id, ct);

    private async Task<SecondStepResult> CompleteAsync(SecondStepContext context, SecondFactorKind kind, ClientInfo client, string reference,
        CancellationToken ct)
    {
        if (!await pendingStore.TryDeleteAsync(context.Pending.Id, ct)) return new(SecondStepOutcome.Expired, reference);
        if (context.Account.SecondFactorFailures > 0) await factors.ClearSecondFactorFailuresAsync(context.Account.Id, ct);
        // Re-authentication proves the owner again inside a session; it is not a new sign-in to be told about.
        if (context.Pending.Purpose == PendingSignInPurpose.Reauthenticate)
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.Reauthenticated, clock.GetUtcNow(), client, reference, context.Account.Id,
                context.Account.UserName, "password+" + kind.Code()), ct);
        else
            await signIns.RecordAsync(context.Account, SecurityEvent.Of(SecurityEventKind.SignInSucceeded, clock.GetUtcNow(), client, reference,
                context.Account.Id, context.Account.UserName, "password+" + kind.Code()), client, ct);
        return new(SecondStepOutcome.Succeeded, reference, Completed: context.Pending);
    }

    private async Task<SecondStepResult> FailAsync(SecondStepContext context, SecondFactorKind kind, ClientInfo client, string reference,
        SecondStepOutcome outcome, int attemptsLeft, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await factors.CountSecondFactorFailureAsync(context.Account.Id, now, ct);
        context.Account.SecondFactorFailures++;
        context.Account.SecondFactorFailedAt = now;
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.SecondFactorFailed, now, client, reference, context.Account.Id,
            context.Account.UserName, kind.Code()), ct);
        return new(outcome, reference, Wait(context.Account), attemptsLeft);
    }

    private async Task<(PendingSignIn, string)> CreateAsync(PendingSignInPurpose purpose, Guid? accountId, bool persistent, Guid? sessionId, CancellationToken ct)
    {
        var token = SecretToken.New();
        var now = clock.GetUtcNow();
        var pending = new PendingSignIn
        {
            Id = Guid.NewGuid(), TokenHash = SecretToken.Hash(token), Purpose = purpose, AccountId = accountId, SessionId = sessionId,
            Persistent = persistent, CreatedAt = now, ExpiresAt = now + Options.SecondStepLifetime,
        };
        await pendingStore.DeleteExpiredAsync(now, ct);
        await pendingStore.CreateAsync(pending, ct);
        return (pending, token);
    }

    private static string Binding(PendingSignIn pending) => "sign-in:" + pending.Id.ToString("N");
}
