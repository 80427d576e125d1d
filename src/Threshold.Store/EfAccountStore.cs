using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Store;

public sealed partial class EfAccountStore(ThresholdDbContext db) : IAccountStore
{
    public Task<Account?> FindByIdAsync(Guid id, CancellationToken ct = default) =>
        db.Users.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);

    public Task<Account?> FindByIdentifierAsync(string normalizedIdentifier, CancellationToken ct = default) =>
        db.Users.AsNoTracking()
            .FirstOrDefaultAsync(a => a.NormalizedEmail == normalizedIdentifier || a.NormalizedUserName == normalizedIdentifier, ct);

    public async Task<IReadOnlyList<Account>> FindByConfirmedPhoneAsync(string e164, CancellationToken ct = default) =>
        await db.Users.AsNoTracking().Where(a => a.PhoneNumber == e164 && a.PhoneNumberConfirmed).Take(10).ToListAsync(ct);

    public async Task<bool> TryCreateAsync(Account account, EmailVerification verification, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.Users.Add(account);
        db.EmailVerifications.Add(verification);
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        try
        {
            // One SaveChanges is one transaction: the account never exists without its welcome message.
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // A unique index refused it: someone registered the same identifier meanwhile.
            if (await IdentifierTakenAsync(account, ct)) return false;
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<bool> IdentifierTakenAsync(Account account, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Users.AnyAsync(a => a.NormalizedEmail == account.NormalizedEmail || a.NormalizedUserName == account.NormalizedUserName
            || a.NormalizedEmail == account.NormalizedUserName || a.NormalizedUserName == account.NormalizedEmail, ct);
    }

    public async Task RecordAsync(IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    public async Task ChangePasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, Guid? keepSessionId, bool endOtherSessions,
        PasswordHistoryEntry? retired, int historyLength,
        IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.PasswordHash, passwordHash)
            .SetProperty(a => a.PasswordChangedAt, at)
            .SetProperty(a => a.SecurityStamp, Guid.NewGuid().ToString("N")), ct);
        await PasswordHistoryWrites.RetireAsync(db, accountId, retired, historyLength, keepSessionId, endOtherSessions, ct);
        await RecordAsync(messages, securityEvent, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<PasswordHistoryEntry>> PasswordHistoryAsync(Guid accountId, CancellationToken ct = default) =>
        await db.PasswordHistory.AsNoTracking().Where(h => h.AccountId == accountId).OrderByDescending(h => h.ReplacedAt).ToListAsync(ct);

    public async Task AddVerificationAsync(EmailVerification verification, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.EmailVerifications.Add(verification);
        await RecordAsync(messages, securityEvent, ct);
    }

    public Task<EmailVerification?> LatestVerificationAsync(Guid accountId, CancellationToken ct = default) =>
        db.EmailVerifications.AsNoTracking().Where(v => v.AccountId == accountId)
            .OrderByDescending(v => v.CreatedAt).FirstOrDefaultAsync(ct);

    public Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, DateTimeOffset? changedAt, CancellationToken ct = default) =>
        db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.PasswordHash, passwordHash)
            .SetProperty(a => a.PasswordChangedAt, a => changedAt ?? a.PasswordChangedAt), ct);

    public Task<EmailVerification?> FindVerificationAsync(string tokenHash, CancellationToken ct = default) =>
        db.EmailVerifications.AsNoTracking().FirstOrDefaultAsync(v => v.TokenHash == tokenHash, ct);

    public async Task<bool> TryConsumeVerificationAsync(Guid verificationId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.EmailVerifications
            .Where(v => v.Id == verificationId && v.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.UsedAt, at), ct);
        if (claimed != 1) return false;
        var accountId = await db.EmailVerifications.Where(v => v.Id == verificationId).Select(v => v.AccountId).SingleAsync(ct);
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.EmailConfirmed, true)
            .SetProperty(a => a.EmailVerifiedAt, at), ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
