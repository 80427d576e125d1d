using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Sessions;

namespace Threshold.Core.Flows.StepUp;

public enum ReauthenticationOutcome { Done, WrongPassword, SecondStepNeeded }

public sealed record ReauthenticationResult(ReauthenticationOutcome Outcome, string ReferenceCode, string? SecondStepToken = null);

/// <summary>
/// Changing a factor or recovery info needs a sign-in within the last ten minutes
/// (ASVS 7.5.1); a password change asks for the current password instead (ASVS 6.2.3). Older sessions prove themselves again: the password, then the
/// second factor when one is enrolled — the same second step as at sign-in.
/// </summary>
public sealed class Reauthentication(
    ISessionStore sessions,
    IPasswordHasher<Account> hasher,
    TwoFactorMethods methods,
    SecondStep secondStep,
    ISecurityEventLog events,
    IOptions<TwoFactorOptions> options,
    TimeProvider clock)
{
    public bool IsRecent(Session session) => clock.GetUtcNow() - session.AuthenticatedAt <= options.Value.ReauthenticationWindow;

    public async Task<ReauthenticationResult> WithPasswordAsync(Account account, Session session, string? password, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var now = clock.GetUtcNow();
        if (string.IsNullOrEmpty(password) || account.PasswordHash is null ||
            hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.ReauthenticationFailed, now, client, reference, account.Id, account.UserName, "wrong_password"), ct);
            return new(ReauthenticationOutcome.WrongPassword, reference);
        }
        var factors = await methods.ForAccountAsync(account, ct);
        if (factors.IsOn)
        {
            var token = await secondStep.BeginAsync(account, factors, PendingSignInPurpose.Reauthenticate, session.Persistent, session.Id, client, ct);
            return new(ReauthenticationOutcome.SecondStepNeeded, reference, token);
        }
        await MarkAsync(session, multiFactor: false, ct);
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.Reauthenticated, now, client, reference, account.Id, account.UserName, "password"), ct);
        return new(ReauthenticationOutcome.Done, reference);
    }

    /// <summary>The session counts as freshly signed in from now (and as two-step when the second step was passed).</summary>
    public async Task MarkAsync(Session session, bool multiFactor, CancellationToken ct = default)
    {
        session.AuthenticatedAt = clock.GetUtcNow();
        if (multiFactor) session.MultiFactorAt = session.AuthenticatedAt;
        await sessions.MarkAuthenticatedAsync(session.Id, session.AuthenticatedAt, multiFactor, ct);
    }
}
