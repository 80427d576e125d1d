using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Core.Accounts;

/// <summary>Persistence of accounts. Multi-part writes are atomic: all or nothing.</summary>
public interface IAccountStore
{
    Task<Account?> FindByIdAsync(Guid id, CancellationToken ct = default);

    /// <summary>Finds the account whose email or username has this normalised form (identifiers are unique across kinds).</summary>
    Task<Account?> FindByIdentifierAsync(string normalizedIdentifier, CancellationToken ct = default);

    /// <summary>Accounts whose confirmed phone number is this E.164 number (a number may serve several accounts).</summary>
    Task<IReadOnlyList<Account>> FindByConfirmedPhoneAsync(string e164, CancellationToken ct = default);

    /// <summary>Accounts whose verified recovery email has this normalised form (an address may serve several accounts).</summary>
    Task<IReadOnlyList<Account>> FindByVerifiedRecoveryEmailAsync(string normalizedEmail, CancellationToken ct = default);

    /// <summary>
    /// Sets the verified recovery email (or removes it, with null) together with its notices and
    /// event, atomically. Reset links and codes not yet used stop working: they may have gone to
    /// the address being replaced.
    /// </summary>
    Task SetRecoveryEmailAsync(Guid accountId, string? email, DateTimeOffset at, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent,
        CancellationToken ct = default);

    /// <summary>
    /// Security notices by text message as well, on or off, with its event. Turning it on needs a
    /// confirmed phone (checked in the same statement): false, writing nothing, without one.
    /// </summary>
    Task<bool> SetSecurityAlertsBySmsAsync(Guid accountId, bool on, SecurityEvent securityEvent, CancellationToken ct = default);

    /// <summary>
    /// Creates the account together with its verification record, messages and event.
    /// Returns false, writing nothing, when an identifier was taken meanwhile.
    /// </summary>
    Task<bool> TryCreateAsync(Account account, EmailVerification verification, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default);

    /// <summary>Queues messages and records their event in one transaction.</summary>
    Task RecordAsync(IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);

    /// <summary>
    /// A new password, with a new security stamp (so remembered devices must pass the second step
    /// again): every other session ends unless <paramref name="endOtherSessions"/> is false, and the
    /// notification and event are written in the same transaction.
    /// </summary>
    /// <param name="retired">The password being replaced, kept in the history (which keeps <paramref name="historyLength"/> entries).</param>
    Task ChangePasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, Guid? keepSessionId, bool endOtherSessions,
        PasswordHistoryEntry? retired, int historyLength,
        IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);

    /// <summary>Earlier passwords, newest first.</summary>
    Task<IReadOnlyList<PasswordHistoryEntry>> PasswordHistoryAsync(Guid accountId, CancellationToken ct = default);

    /// <summary>A fresh verification link for an account, with its message and event, atomically.</summary>
    Task AddVerificationAsync(EmailVerification verification, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);

    Task<EmailVerification?> LatestVerificationAsync(Guid accountId, CancellationToken ct = default);

    Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, DateTimeOffset? changedAt, CancellationToken ct = default);

    Task<EmailVerification?> FindVerificationAsync(string tokenHash, CancellationToken ct = default);

    /// <summary>
    /// Uses the verification link once: marks it used and the account's address verified,
    /// in one transaction. False when it was used meanwhile (a double click, a replay).
    /// </summary>
    Task<bool> TryConsumeVerificationAsync(Guid verificationId, DateTimeOffset at, CancellationToken ct = default);
}
