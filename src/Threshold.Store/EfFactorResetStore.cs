using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Messaging;
using Threshold.Core.Support;
using Threshold.Core.Support.Actions;

namespace Threshold.Store;

/// <summary>Delayed two-step resets: cancel and complete are each one conditional write, so exactly one of them wins.</summary>
public sealed class EfFactorResetStore(ThresholdDbContext db) : IFactorResetStore
{
    public Task<FactorReset?> FindByCancelTokenHashAsync(string cancelTokenHash, CancellationToken ct = default) =>
        db.FactorResets.AsNoTracking().FirstOrDefaultAsync(r => r.CancelTokenHash == cancelTokenHash, ct);

    public Task<FactorReset?> PendingForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        Pending().Where(r => r.AccountId == accountId).OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(ct);

    public async Task<bool> TryCancelAsync(Guid resetId, DateTimeOffset at, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var cancelled = await db.FactorResets.Where(r => r.Id == resetId && r.CancelledAt == null && r.CompletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, at), ct);
        if (cancelled != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        db.SecurityEvents.Add(securityEvent);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<FactorReset>> DueAsync(DateTimeOffset now, int take, CancellationToken ct = default) =>
        await Pending().Where(r => r.DueAt <= now).OrderBy(r => r.DueAt).Take(take).ToListAsync(ct);

    public async Task<bool> TryCompleteAsync(FactorReset reset, DateTimeOffset at, string newSecurityStamp, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default)
    {
        var accountId = reset.AccountId;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.FactorResets.Where(r => r.Id == reset.Id && r.CancelledAt == null && r.CompletedAt == null && r.DueAt <= at)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CompletedAt, at), ct);
        if (claimed != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await db.TotpAuthenticators.Where(t => t.AccountId == accountId).ExecuteDeleteAsync(ct);
        await db.UserPasskeys.Where(p => p.UserId == accountId).ExecuteDeleteAsync(ct);
        await db.BackupCodes.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(ct);
        // The phone and addresses stay: they are for getting back in and for notices, not sign-in factors by themselves.
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.SmsCodesEnabled, false)
            .SetProperty(a => a.EmailCodesEnabled, false)
            .SetProperty(a => a.PreferredSecondFactor, (SecondFactorKind?)null)
            .SetProperty(a => a.SecondFactorFailures, 0)
            .SetProperty(a => a.SecondFactorFailedAt, (DateTimeOffset?)null)
            .SetProperty(a => a.SecurityStamp, newSecurityStamp), ct);
        await db.PendingSignIns.Where(p => p.AccountId == accountId).ExecuteDeleteAsync(ct);
        await db.Sessions.Where(s => s.AccountId == accountId).ExecuteDeleteAsync(ct);
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }

    private IQueryable<FactorReset> Pending() =>
        db.FactorResets.AsNoTracking().Where(r => r.CancelledAt == null && r.CompletedAt == null);
}
