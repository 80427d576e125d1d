using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Messaging;

namespace Threshold.Store;

public sealed partial class EfFactorStore(ThresholdDbContext db) : IFactorStore
{
    public Task<TotpAuthenticator?> ConfirmedTotpAsync(Guid accountId, CancellationToken ct = default) =>
        db.TotpAuthenticators.AsNoTracking().Where(t => t.AccountId == accountId && t.ConfirmedAt != null).OrderByDescending(t => t.ConfirmedAt)
            .FirstOrDefaultAsync(ct);

    public Task<TotpAuthenticator?> PendingTotpAsync(Guid accountId, CancellationToken ct = default) =>
        db.TotpAuthenticators.AsNoTracking().Where(t => t.AccountId == accountId && t.ConfirmedAt == null).OrderByDescending(t => t.CreatedAt)
            .FirstOrDefaultAsync(ct);

    public async Task SavePendingTotpAsync(TotpAuthenticator pending, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.TotpAuthenticators.Where(t => t.AccountId == pending.AccountId && t.ConfirmedAt == null).ExecuteDeleteAsync(ct);
        db.TotpAuthenticators.Add(pending);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<bool> TryConfirmTotpAsync(Guid pendingId, long step, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var accountId = change.Event.AccountId!.Value;
        var confirmed = await db.TotpAuthenticators.Where(t => t.Id == pendingId && t.AccountId == accountId && t.ConfirmedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.ConfirmedAt, at).SetProperty(t => t.LastUsedStep, step), ct);
        if (confirmed != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await db.TotpAuthenticators.Where(t => t.AccountId == accountId && t.Id != pendingId).ExecuteDeleteAsync(ct);
        await EnrolledAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<bool> TryUseTotpStepAsync(Guid authenticatorId, long step, CancellationToken ct = default) =>
        await db.TotpAuthenticators.Where(t => t.Id == authenticatorId && t.LastUsedStep < step)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedStep, step), ct) == 1;

    public async Task<bool> RemoveTotpAsync(Guid accountId, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.TotpAuthenticators.Where(t => t.AccountId == accountId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await RemovedAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task AddCodeAsync(OneTimeCode code, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.OneTimeCodes.Add(code);
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        await SaveAsync(ct);
    }

    public Task<OneTimeCode?> LatestCodeAsync(Guid accountId, CodePurpose purpose, string binding, CancellationToken ct = default) =>
        db.OneTimeCodes.AsNoTracking().Where(c => c.AccountId == accountId && c.Purpose == purpose && c.Binding == binding)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);

    public async Task<int?> TryCountCodeAttemptAsync(Guid codeId, int max, CancellationToken ct = default)
    {
        var counted = await db.OneTimeCodes.Where(c => c.Id == codeId && c.FailedAttempts < max)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), ct);
        if (counted != 1) return null;
        return await db.OneTimeCodes.Where(c => c.Id == codeId).Select(c => c.FailedAttempts).SingleAsync(ct);
    }

    public async Task<bool> TryUseCodeAsync(Guid codeId, DateTimeOffset at, CancellationToken ct = default) =>
        await db.OneTimeCodes.Where(c => c.Id == codeId && c.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, at).SetProperty(c => c.FailedAttempts, c => c.FailedAttempts - 1), ct) == 1;

    public async Task ReplaceBackupCodesAsync(Guid accountId, IReadOnlyList<BackupCode> codes, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.BackupCodes.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(ct);
        db.BackupCodes.AddRange(codes);
        Record(change);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<BackupCode>> UnusedBackupCodesAsync(Guid accountId, CancellationToken ct = default) =>
        await db.BackupCodes.AsNoTracking().Where(c => c.AccountId == accountId && c.UsedAt == null).ToListAsync(ct);

    public async Task<bool> TryUseBackupCodeAsync(Guid codeId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var used = await db.BackupCodes.Where(c => c.Id == codeId && c.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, at), ct);
        if (used != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        Record(change);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<PasskeySummary>> PasskeysAsync(Guid accountId, CancellationToken ct = default)
    {
        var rows = await db.UserPasskeys.AsNoTracking().Where(p => p.UserId == accountId).ToListAsync(ct);
        return rows.Select(p => new PasskeySummary(p.CredentialId, p.Data.Name ?? "Passkey", p.Data.CreatedAt))
            .OrderBy(p => p.CreatedAt).ToList();
    }

    public async Task AddPasskeyAsync(Guid accountId, UserPasskeyInfo passkey, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var row = new IdentityUserPasskey<Guid> { UserId = accountId, CredentialId = passkey.CredentialId, Data = new IdentityPasskeyData() };
        Copy(passkey, row.Data);
        db.UserPasskeys.Add(row);
        await SaveAsync(ct);
        await EnrolledAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task UpdatePasskeyAsync(Guid accountId, UserPasskeyInfo passkey, CancellationToken ct = default)
    {
        var row = await db.UserPasskeys.FirstOrDefaultAsync(p => p.UserId == accountId && p.CredentialId == passkey.CredentialId, ct);
        if (row is null) return;
        var name = row.Data.Name;
        Copy(passkey, row.Data);
        row.Data.Name = name;
        await SaveAsync(ct);
    }

    public async Task<bool> RenamePasskeyAsync(Guid accountId, byte[] credentialId, string name, CancellationToken ct = default)
    {
        var row = await db.UserPasskeys.FirstOrDefaultAsync(p => p.UserId == accountId && p.CredentialId == credentialId, ct);
        if (row is null) return false;
        row.Data.Name = name;
        await SaveAsync(ct);
        return true;
    }

    public async Task<bool> RemovePasskeyAsync(Guid accountId, byte[] credentialId, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.UserPasskeys.Where(p => p.UserId == accountId && p.CredentialId == credentialId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await RemovedAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task SetCodeChannelAsync(Guid accountId, MessageChannel channel, bool enabled, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (channel == MessageChannel.Sms)
            await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u.SetProperty(a => a.SmsCodesEnabled, enabled), ct);
        else
            await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u.SetProperty(a => a.EmailCodesEnabled, enabled), ct);
        if (enabled) await EnrolledAsync(accountId, change, ct);
        else await RemovedAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task ConfirmPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.PhoneNumber, e164).SetProperty(a => a.PhoneNumberConfirmed, true).SetProperty(a => a.SmsCodesEnabled, true), ct);
        await OutstandingResets.EndAsync(db, accountId, at, ct);
        await EnrolledAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
    }

    public Task SetPreferredAsync(Guid accountId, SecondFactorKind? kind, CancellationToken ct = default) =>
        db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u.SetProperty(a => a.PreferredSecondFactor, kind), ct);

    public Task CountSecondFactorFailureAsync(Guid accountId, DateTimeOffset at, CancellationToken ct = default) =>
        db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.SecondFactorFailures, a => a.SecondFactorFailures + 1).SetProperty(a => a.SecondFactorFailedAt, at), ct);

    public Task ClearSecondFactorFailuresAsync(Guid accountId, CancellationToken ct = default) =>
        db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.SecondFactorFailures, 0).SetProperty(a => a.SecondFactorFailedAt, (DateTimeOffset?)null), ct);

    /// <summary>A factor was added: no session of the account waits at enrolment any more.</summary>
    private async Task EnrolledAsync(Guid accountId, FactorChangeRecord change, CancellationToken ct)
    {
        await db.Sessions.Where(s => s.AccountId == accountId && s.MustEnrolTwoFactor)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.MustEnrolTwoFactor, false), ct);
        Record(change);
        await SaveAsync(ct);
    }

    /// <summary>A factor was removed: without any left, backup codes and the preference go too.</summary>
    private async Task RemovedAsync(Guid accountId, FactorChangeRecord change, CancellationToken ct)
    {
        var anyLeft = await db.TotpAuthenticators.AnyAsync(t => t.AccountId == accountId && t.ConfirmedAt != null, ct)
            || await db.UserPasskeys.AnyAsync(p => p.UserId == accountId, ct)
            || await db.Users.AnyAsync(a => a.Id == accountId && ((a.SmsCodesEnabled && a.PhoneNumberConfirmed) || (a.EmailCodesEnabled && a.EmailConfirmed)), ct);
        if (!anyLeft)
        {
            await db.BackupCodes.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(ct);
            await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u.SetProperty(a => a.PreferredSecondFactor, (SecondFactorKind?)null), ct);
        }
        Record(change);
        await SaveAsync(ct);
    }

    private void Record(FactorChangeRecord change)
    {
        db.OutboxMessages.AddRange(change.Messages);
        db.SecurityEvents.Add(change.Event);
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    private static void Copy(UserPasskeyInfo from, IdentityPasskeyData to)
    {
        to.PublicKey = from.PublicKey;
        to.Name = from.Name;
        to.CreatedAt = from.CreatedAt;
        to.SignCount = from.SignCount;
        to.Transports = from.Transports;
        to.IsUserVerified = from.IsUserVerified;
        to.IsBackupEligible = from.IsBackupEligible;
        to.IsBackedUp = from.IsBackedUp;
        to.AttestationObject = from.AttestationObject;
        to.ClientDataJson = from.ClientDataJson;
    }
}
