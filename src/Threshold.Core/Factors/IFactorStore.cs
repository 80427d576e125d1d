using Microsoft.AspNetCore.Identity;
using Threshold.Core.Activity;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Messaging;

namespace Threshold.Core.Factors;

/// <summary>A passkey or security key as the security page lists it.</summary>
public sealed record PasskeySummary(byte[] CredentialId, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// Persistence of second factors. Every change to a factor is written together with its
/// notifications and its event, in one transaction: all or nothing. Enrolling a factor
/// releases the account's sessions from required enrolment; removing the last one
/// deletes the backup codes with it.
/// </summary>
public interface IFactorStore
{
    Task<TotpAuthenticator?> ConfirmedTotpAsync(Guid accountId, CancellationToken ct = default);
    Task<TotpAuthenticator?> PendingTotpAsync(Guid accountId, CancellationToken ct = default);
    /// <summary>Keeps one unconfirmed key per account: an earlier one is replaced.</summary>
    Task SavePendingTotpAsync(TotpAuthenticator pending, CancellationToken ct = default);
    /// <summary>Activates the pending key (replacing an earlier confirmed one). False when it was confirmed or replaced meanwhile.</summary>
    Task<bool> TryConfirmTotpAsync(Guid pendingId, long step, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default);
    /// <summary>Accepts a time step once: only when it is newer than the last one used (atomic).</summary>
    Task<bool> TryUseTotpStepAsync(Guid authenticatorId, long step, CancellationToken ct = default);
    Task<bool> RemoveTotpAsync(Guid accountId, FactorChangeRecord change, CancellationToken ct = default);

    Task AddCodeAsync(OneTimeCode code, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);
    Task<OneTimeCode?> LatestCodeAsync(Guid accountId, CodePurpose purpose, string binding, CancellationToken ct = default);
    /// <summary>Counts a try before comparing, only while fewer than <paramref name="max"/> were made. The new count, or null.</summary>
    Task<int?> TryCountCodeAttemptAsync(Guid codeId, int max, CancellationToken ct = default);
    /// <summary>Marks the code used; false when it was used meanwhile.</summary>
    Task<bool> TryUseCodeAsync(Guid codeId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Replaces every backup code of the account.</summary>
    Task ReplaceBackupCodesAsync(Guid accountId, IReadOnlyList<BackupCode> codes, FactorChangeRecord change, CancellationToken ct = default);
    Task<IReadOnlyList<BackupCode>> UnusedBackupCodesAsync(Guid accountId, CancellationToken ct = default);
    Task<bool> TryUseBackupCodeAsync(Guid codeId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default);

    Task<IReadOnlyList<PasskeySummary>> PasskeysAsync(Guid accountId, CancellationToken ct = default);
    Task AddPasskeyAsync(Guid accountId, UserPasskeyInfo passkey, FactorChangeRecord change, CancellationToken ct = default);
    /// <summary>Keeps the signature counter and flags a sign-in reported.</summary>
    Task UpdatePasskeyAsync(Guid accountId, UserPasskeyInfo passkey, CancellationToken ct = default);
    Task<bool> RenamePasskeyAsync(Guid accountId, byte[] credentialId, string name, CancellationToken ct = default);
    Task<bool> RemovePasskeyAsync(Guid accountId, byte[] credentialId, FactorChangeRecord change, CancellationToken ct = default);

    /// <summary>Turns codes by text message or email on or off.</summary>
    Task SetCodeChannelAsync(Guid accountId, MessageChannel channel, bool enabled, FactorChangeRecord change, CancellationToken ct = default);
    /// <summary>Confirms the phone number and turns text-message codes on.</summary>
    Task ConfirmPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default);
    Task SetPreferredAsync(Guid accountId, SecondFactorKind? kind, CancellationToken ct = default);

    /// <summary>
    /// A number proven by a code becomes the account's phone (for getting back in) without turning
    /// text-message codes on; when they were on, they now go to this number. Reset codes not yet
    /// used stop working.
    /// </summary>
    Task SetPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default);
    /// <summary>
    /// Takes the phone off the account: text-message codes and text-message alerts go with it (and,
    /// when those codes were the last factor, the backup codes). False, writing nothing, without a phone.
    /// </summary>
    Task<bool> RemovePhoneAsync(Guid accountId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default);

    Task CountSecondFactorFailureAsync(Guid accountId, DateTimeOffset at, CancellationToken ct = default);
    Task ClearSecondFactorFailuresAsync(Guid accountId, CancellationToken ct = default);
}

/// <summary>What a factor change writes besides the change itself: the notifications and the event.</summary>
public sealed record FactorChangeRecord(IReadOnlyList<OutboxMessage> Messages, SecurityEvent Event);
