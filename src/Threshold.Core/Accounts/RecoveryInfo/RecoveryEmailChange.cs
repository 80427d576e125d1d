using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Messaging;

namespace Threshold.Core.Accounts.RecoveryInfo;

/// <summary>
/// A second email address for getting back in: "Forgot password?" sends its link there too.
/// A new address counts only once the six-digit code sent to it is typed back in the same
/// session (until then the old one stays); it must differ from the sign-in address. Every
/// change is told to the old address as well as the new, and to the account's other contacts.
/// </summary>
public sealed class RecoveryEmailChange(IAccountStore accounts, OutOfBandCodes codes, FactorChanges changes, OutboxSignal outboxSignal, TimeProvider clock)
{
    public const string Field = "RecoveryEmail";

    /// <param name="sessionBinding">The signed-in session: a code asked for in one session works only there.</param>
    public async Task<RecoveryChangeResult> SendCodeAsync(Account account, string? typed, string sessionBinding, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var email = Identifiers.Clean(typed);
        if (ProblemWith(account, email) is { } problem) return RecoveryChangeResult.Invalid(reference, Field, problem);
        var sent = await codes.SendAsync(account, CodePurpose.ConfirmRecoveryEmail, MessageChannel.Email, email, Binding(sessionBinding, email), client,
            reference, ct);
        return sent.Outcome == CodeSendOutcome.Sent
            ? new(RecoveryChangeOutcome.CodeSent, reference, [], email)
            : new(RecoveryChangeOutcome.TooSoon, reference, [], email, sent.RetryAfter);
    }

    /// <summary>The code from the email: the address becomes the recovery email, replacing any earlier one.</summary>
    public async Task<RecoveryChangeResult> ConfirmAsync(Account account, string? typed, string? code, string sessionBinding, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var email = Identifiers.Clean(typed);
        if (ProblemWith(account, email) is { } problem) return RecoveryChangeResult.Invalid(reference, Field, problem);
        var check = await codes.CheckAsync(account.Id, CodePurpose.ConfirmRecoveryEmail, Binding(sessionBinding, email), code, ct);
        if (!check.Accepted) return RecoveryChangeResult.NotAccepted(check, reference, email);

        var change = changes.Describe(account, account.RecoveryEmail is null ? "recovery-email-added" : "recovery-email-changed",
            SecurityEventKind.RecoveryInfoChanged, client, reference, newEmail: email);
        await accounts.SetRecoveryEmailAsync(account.Id, email, clock.GetUtcNow(), change.Messages, change.Event, ct);
        outboxSignal.Notify();
        return new(RecoveryChangeOutcome.Saved, reference, [], email);
    }

    /// <summary>Takes the recovery email off the account; it is told, with the account's other contacts.</summary>
    public async Task<RecoveryChangeResult> RemoveAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (account.RecoveryEmail is null) return new(RecoveryChangeOutcome.NothingToRemove, reference, []);
        var change = changes.Describe(account, "recovery-email-removed", SecurityEventKind.RecoveryInfoChanged, client, reference);
        await accounts.SetRecoveryEmailAsync(account.Id, null, clock.GetUtcNow(), change.Messages, change.Event, ct);
        outboxSignal.Notify();
        return new(RecoveryChangeOutcome.Saved, reference, [], account.RecoveryEmail);
    }

    /// <summary>The same shape rules as the sign-in address; and it must be another address, and a new one.</summary>
    private static string? ProblemWith(Account account, string email)
    {
        if (Identifiers.CheckEmail(email) is { } problem) return problem == IdentifierProblem.Missing ? "recovery_email.missing" : "email.invalid";
        var normalized = Identifiers.Normalize(email);
        if (normalized == account.NormalizedEmail) return "recovery_email.same_as_sign_in";
        if (account.RecoveryEmail is not null && normalized == Identifiers.Normalize(account.RecoveryEmail)) return "recovery_email.unchanged";
        return null;
    }

    private static string Binding(string sessionBinding, string email) => RecoveryCodeBinding.For(sessionBinding, "email", Identifiers.Normalize(email));
}
