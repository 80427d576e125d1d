using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Core.Tests.Doubles;

/// <summary>
/// Accounts for sign-in tests: found by id or normalised identifier, handed out as copies
/// (so a flow's own changes to an account object never reach the store by accident).
/// Only the reads and writes sign-in uses are supported. Messages recorded with an event go to
/// <see cref="Messages"/>, the event to <paramref name="events"/> (as the database writes both at once).
/// </summary>
public sealed class InMemoryAccountStore(RecordingEventLog? events = null) : IAccountStore
{
    private readonly Dictionary<Guid, Account> _accounts = new();

    /// <summary>Messages and events written with recovery-info changes.</summary>
    public List<OutboxMessage> Messages { get; } = [];
    public List<SecurityEvent> Events { get; } = [];

    public void Add(Account account) => _accounts.Add(account.Id, account);

    /// <summary>The stored account itself, for the other doubles and for assertions.</summary>
    public Account? Get(Guid id) => _accounts.GetValueOrDefault(id);

    public Task<Account?> FindByIdAsync(Guid id, CancellationToken ct = default) =>
        Task.FromResult(_accounts.TryGetValue(id, out var a) ? Copy(a) : null);

    public Task<Account?> FindByIdentifierAsync(string normalizedIdentifier, CancellationToken ct = default) =>
        Task.FromResult(_accounts.Values.Where(a => a.NormalizedUserName == normalizedIdentifier || a.NormalizedEmail == normalizedIdentifier)
            .Select(Copy).FirstOrDefault());

    public Task<IReadOnlyList<PasswordHistoryEntry>> PasswordHistoryAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PasswordHistoryEntry>>([]);

    public Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, DateTimeOffset? changedAt, CancellationToken ct = default)
    {
        _accounts[accountId].PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Account>> FindByVerifiedRecoveryEmailAsync(string normalizedEmail, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Account>>(_accounts.Values
            .Where(a => a.NormalizedRecoveryEmail == normalizedEmail && a.RecoveryEmailVerifiedAt is not null).Select(Copy).ToList());

    public Task SetRecoveryEmailAsync(Guid accountId, string? email, DateTimeOffset at, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default)
    {
        var account = _accounts[accountId];
        account.RecoveryEmail = email;
        account.NormalizedRecoveryEmail = email is null ? null : Identifiers.Normalize(email);
        account.RecoveryEmailVerifiedAt = email is null ? null : at;
        Messages.AddRange(messages);
        Events.Add(securityEvent);
        return Task.CompletedTask;
    }

    public Task<bool> SetSecurityAlertsBySmsAsync(Guid accountId, bool on, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        var account = _accounts[accountId];
        if (on && !(account.PhoneNumberConfirmed && account.PhoneNumber is not null)) return Task.FromResult(false);
        account.SecurityAlertsBySms = on;
        Events.Add(securityEvent);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<Account>> FindByConfirmedPhoneAsync(string e164, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Account>>(_accounts.Values.Where(a => a.PhoneNumber == e164 && a.PhoneNumberConfirmed).Select(Copy).ToList());
    public Task<bool> TryCreateAsync(Account account, EmailVerification verification, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent,
        CancellationToken ct = default) => throw new NotSupportedException();
    public Task RecordAsync(IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        if (events is null) throw new NotSupportedException("Give the store an event log to record messages with events.");
        Messages.AddRange(messages);
        return events.RecordAsync(securityEvent, ct);
    }
    public Task ChangePasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, Guid? keepSessionId, bool endOtherSessions, PasswordHistoryEntry? retired,
        int historyLength, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default) =>
        throw new NotSupportedException();
    public Task AddVerificationAsync(EmailVerification verification, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent,
        CancellationToken ct = default) => throw new NotSupportedException();
    public Task<EmailVerification?> LatestVerificationAsync(Guid accountId, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<EmailVerification?> FindVerificationAsync(string tokenHash, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<bool> TryConsumeVerificationAsync(Guid verificationId, DateTimeOffset at, CancellationToken ct = default) =>
        throw new NotSupportedException();

    private static Account Copy(Account a) => new()
    {
        Id = a.Id, UserName = a.UserName, NormalizedUserName = a.NormalizedUserName, Email = a.Email, NormalizedEmail = a.NormalizedEmail,
        EmailConfirmed = a.EmailConfirmed, PhoneNumber = a.PhoneNumber, PhoneNumberConfirmed = a.PhoneNumberConfirmed,
        PasswordHash = a.PasswordHash, SecurityStamp = a.SecurityStamp, ConcurrencyStamp = a.ConcurrencyStamp,
        CreatedAt = a.CreatedAt, EmailVerifiedAt = a.EmailVerifiedAt, PasswordChangedAt = a.PasswordChangedAt,
        SmsCodesEnabled = a.SmsCodesEnabled, EmailCodesEnabled = a.EmailCodesEnabled, PreferredSecondFactor = a.PreferredSecondFactor,
        SecondFactorFailures = a.SecondFactorFailures, SecondFactorFailedAt = a.SecondFactorFailedAt,
        RecoveryEmail = a.RecoveryEmail, NormalizedRecoveryEmail = a.NormalizedRecoveryEmail, RecoveryEmailVerifiedAt = a.RecoveryEmailVerifiedAt,
        SecurityAlertsBySms = a.SecurityAlertsBySms, PasswordResetRequired = a.PasswordResetRequired,
    };
}
