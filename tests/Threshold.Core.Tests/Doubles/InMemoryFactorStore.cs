using Microsoft.AspNetCore.Identity;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Messaging;

namespace Threshold.Core.Tests.Doubles;

/// <summary>
/// Behaves like <c>EfFactorStore</c>: hands out copies, makes the same single-use checks
/// (a step only forward, a code or backup code used once, tries counted up to a limit)
/// and keeps every message and event a change wrote. Account flags (text/email codes,
/// the preference) are written to the <see cref="InMemoryAccountStore"/> when one is given.
/// </summary>
public sealed class InMemoryFactorStore(InMemoryAccountStore? accounts = null) : IFactorStore
{
    private readonly List<TotpAuthenticator> _totp = [];
    private readonly List<OneTimeCode> _codes = [];
    private readonly List<BackupCode> _backup = [];
    private readonly List<(Guid AccountId, PasskeySummary Passkey)> _passkeys = [];

    public List<OutboxMessage> Messages { get; } = [];
    public List<SecurityEvent> Events { get; } = [];
    public List<(Guid AccountId, DateTimeOffset At)> SecondFactorFailures { get; } = [];
    public List<Guid> Clears { get; } = [];

    public IReadOnlyList<TotpAuthenticator> AllTotp => _totp.Select(Copy).ToList();
    public IReadOnlyList<OneTimeCode> AllCodes => _codes.Select(Copy).ToList();
    public IReadOnlyList<BackupCode> AllBackupCodes => _backup.Select(Copy).ToList();

    public Task<TotpAuthenticator?> ConfirmedTotpAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult(_totp.Where(t => t.AccountId == accountId && t.ConfirmedAt != null).OrderByDescending(t => t.ConfirmedAt)
            .Select(Copy).FirstOrDefault());

    public Task<TotpAuthenticator?> PendingTotpAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult(_totp.Where(t => t.AccountId == accountId && t.ConfirmedAt == null).OrderByDescending(t => t.CreatedAt)
            .Select(Copy).FirstOrDefault());

    public Task SavePendingTotpAsync(TotpAuthenticator pending, CancellationToken ct = default)
    {
        _totp.RemoveAll(t => t.AccountId == pending.AccountId && t.ConfirmedAt == null);
        _totp.Add(Copy(pending));
        return Task.CompletedTask;
    }

    public Task<bool> TryConfirmTotpAsync(Guid pendingId, long step, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        var accountId = change.Event.AccountId!.Value;
        var pending = _totp.SingleOrDefault(t => t.Id == pendingId && t.AccountId == accountId && t.ConfirmedAt == null);
        if (pending is null) return Task.FromResult(false);
        pending.ConfirmedAt = at;
        pending.LastUsedStep = step;
        _totp.RemoveAll(t => t.AccountId == accountId && t.Id != pendingId);
        Record(change);
        return Task.FromResult(true);
    }

    public Task<bool> TryUseTotpStepAsync(Guid authenticatorId, long step, CancellationToken ct = default)
    {
        var authenticator = _totp.SingleOrDefault(t => t.Id == authenticatorId && t.LastUsedStep < step);
        if (authenticator is null) return Task.FromResult(false);
        authenticator.LastUsedStep = step;
        return Task.FromResult(true);
    }

    public Task<bool> RemoveTotpAsync(Guid accountId, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (_totp.RemoveAll(t => t.AccountId == accountId) == 0) return Task.FromResult(false);
        Removed(accountId, change);
        return Task.FromResult(true);
    }

    public Task AddCodeAsync(OneTimeCode code, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        _codes.Add(Copy(code));
        Messages.AddRange(messages);
        Events.Add(securityEvent);
        return Task.CompletedTask;
    }

    public Task<OneTimeCode?> LatestCodeAsync(Guid accountId, CodePurpose purpose, string binding, CancellationToken ct = default) =>
        Task.FromResult(_codes.Where(c => c.AccountId == accountId && c.Purpose == purpose && c.Binding == binding)
            .OrderByDescending(c => c.CreatedAt).Select(Copy).FirstOrDefault());

    public Task<int?> TryCountCodeAttemptAsync(Guid codeId, int max, CancellationToken ct = default)
    {
        var code = _codes.SingleOrDefault(c => c.Id == codeId && c.FailedAttempts < max);
        if (code is null) return Task.FromResult<int?>(null);
        code.FailedAttempts++;
        return Task.FromResult<int?>(code.FailedAttempts);
    }

    public Task<bool> TryUseCodeAsync(Guid codeId, DateTimeOffset at, CancellationToken ct = default)
    {
        var code = _codes.SingleOrDefault(c => c.Id == codeId && c.UsedAt == null);
        if (code is null) return Task.FromResult(false);
        code.UsedAt = at;
        code.FailedAttempts--;
        return Task.FromResult(true);
    }

    public Task ReplaceBackupCodesAsync(Guid accountId, IReadOnlyList<BackupCode> codes, FactorChangeRecord change, CancellationToken ct = default)
    {
        _backup.RemoveAll(c => c.AccountId == accountId);
        _backup.AddRange(codes.Select(Copy));
        Record(change);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BackupCode>> UnusedBackupCodesAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<BackupCode>>(_backup.Where(c => c.AccountId == accountId && c.UsedAt == null).Select(Copy).ToList());

    public Task<bool> TryUseBackupCodeAsync(Guid codeId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        var code = _backup.SingleOrDefault(c => c.Id == codeId && c.UsedAt == null);
        if (code is null) return Task.FromResult(false);
        code.UsedAt = at;
        Record(change);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<PasskeySummary>> PasskeysAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PasskeySummary>>(_passkeys.Where(p => p.AccountId == accountId).Select(p => p.Passkey)
            .OrderBy(p => p.CreatedAt).ToList());

    public Task AddPasskeyAsync(Guid accountId, UserPasskeyInfo passkey, FactorChangeRecord change, CancellationToken ct = default)
    {
        _passkeys.Add((accountId, new PasskeySummary(passkey.CredentialId, passkey.Name ?? "Passkey", passkey.CreatedAt)));
        Record(change);
        return Task.CompletedTask;
    }

    public Task UpdatePasskeyAsync(Guid accountId, UserPasskeyInfo passkey, CancellationToken ct = default) => Task.CompletedTask;

    public Task<bool> RenamePasskeyAsync(Guid accountId, byte[] credentialId, string name, CancellationToken ct = default)
    {
        var i = _passkeys.FindIndex(p => p.AccountId == accountId && p.Passkey.CredentialId.AsSpan().SequenceEqual(credentialId));
        if (i < 0) return Task.FromResult(false);
        _passkeys[i] = (accountId, _passkeys[i].Passkey with { Name = name });
        return Task.FromResult(true);
    }

    public Task<bool> RemovePasskeyAsync(Guid accountId, byte[] credentialId, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (_passkeys.RemoveAll(p => p.AccountId == accountId && p.Passkey.CredentialId.AsSpan().SequenceEqual(credentialId)) == 0)
            return Task.FromResult(false);
        Removed(accountId, change);
        return Task.FromResult(true);
    }

    public Task SetCodeChannelAsync(Guid accountId, MessageChannel channel, bool enabled, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (accounts?.Get(accountId) is { } account)
        {
            if (channel == MessageChannel.Sms) account.SmsCodesEnabled = enabled;
            else account.EmailCodesEnabled = enabled;
        }
        if (enabled) Record(change);
        else Removed(accountId, change);
        return Task.CompletedTask;
    }

    public Task ConfirmPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (accounts?.Get(accountId) is { } account)
        {
            account.PhoneNumber = e164;
            account.PhoneNumberConfirmed = true;
            account.SmsCodesEnabled = true;
        }
        Record(change);
        return Task.CompletedTask;
    }

    public Task SetPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (accounts?.Get(accountId) is { } account)
        {
            account.PhoneNumber = e164;
            account.PhoneNumberConfirmed = true;
        }
        Record(change);
        return Task.CompletedTask;
    }

    public Task<bool> RemovePhoneAsync(Guid accountId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        if (accounts?.Get(accountId) is not { PhoneNumber: not null } account) return Task.FromResult(false);
        account.PhoneNumber = null;
        account.PhoneNumberConfirmed = false;
        account.SmsCodesEnabled = false;
        account.SecurityAlertsBySms = false;
        Removed(accountId, change);
        return Task.FromResult(true);
    }

    public Task SetPreferredAsync(Guid accountId, SecondFactorKind? kind, CancellationToken ct = default)
    {
        if (accounts?.Get(accountId) is { } account) account.PreferredSecondFactor = kind;
        return Task.CompletedTask;
    }

    public Task CountSecondFactorFailureAsync(Guid accountId, DateTimeOffset at, CancellationToken ct = default)
    {
        SecondFactorFailures.Add((accountId, at));
        if (accounts?.Get(accountId) is { } account)
        {
            account.SecondFactorFailures++;
            account.SecondFactorFailedAt = at;
        }
        return Task.CompletedTask;
    }

    public Task ClearSecondFactorFailuresAsync(Guid accountId, CancellationToken ct = default)
    {
        Clears.Add(accountId);
        if (accounts?.Get(accountId) is { } account)
        {
            account.SecondFactorFailures = 0;
            account.SecondFactorFailedAt = null;
        }
        return Task.CompletedTask;
    }

    private void Removed(Guid accountId, FactorChangeRecord change)
    {
        var account = accounts?.Get(accountId);
        var anyLeft = _totp.Any(t => t.AccountId == accountId && t.ConfirmedAt != null) || _passkeys.Any(p => p.AccountId == accountId)
            || account is { SmsCodesEnabled: true, PhoneNumberConfirmed: true } || account is { EmailCodesEnabled: true, EmailConfirmed: true };
        if (!anyLeft)
        {
            _backup.RemoveAll(c => c.AccountId == accountId);
            if (account is not null) account.PreferredSecondFactor = null;
        }
        Record(change);
    }

    private void Record(FactorChangeRecord change)
    {
        Messages.AddRange(change.Messages);
        Events.Add(change.Event);
    }

    private static TotpAuthenticator Copy(TotpAuthenticator t) => new()
    {
        Id = t.Id, AccountId = t.AccountId, ProtectedSecret = t.ProtectedSecret, CreatedAt = t.CreatedAt, ConfirmedAt = t.ConfirmedAt,
        LastUsedStep = t.LastUsedStep,
    };

    private static OneTimeCode Copy(OneTimeCode c) => new()
    {
        Id = c.Id, AccountId = c.AccountId, Purpose = c.Purpose, Channel = c.Channel, Destination = c.Destination, CodeHash = c.CodeHash,
        Binding = c.Binding, CreatedAt = c.CreatedAt, ExpiresAt = c.ExpiresAt, FailedAttempts = c.FailedAttempts, UsedAt = c.UsedAt,
    };

    private static BackupCode Copy(BackupCode c) => new()
    {
        Id = c.Id, AccountId = c.AccountId, Hash = c.Hash, CreatedAt = c.CreatedAt, UsedAt = c.UsedAt,
    };
}
