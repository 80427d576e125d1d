using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts.Data;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Messaging;
using Threshold.Core.Support;

namespace Threshold.Store;

public sealed class EfAccountDataStore(ThresholdDbContext db) : IAccountDataStore
{
    public async Task<IReadOnlyList<SupportRequest>> OpenSupportRequestsAsync(Guid accountId, CancellationToken ct = default) =>
        await db.SupportRequests.AsNoTracking().Where(r => r.AccountId == accountId && r.Status == SupportRequestStatus.Open)
            .OrderByDescending(r => r.CreatedAt).ToListAsync(ct);

    public async Task<bool> DeleteAccountAsync(Guid accountId, IReadOnlyList<OutboxMessage> notices, SecurityEvent deleted,
        CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Rows that point at the account through a foreign key go with it (cascade: sessions, factors,
        // passkeys, codes, tickets, password history, pending sign-ins, verifications; set null:
        // support requests). These two tables have no foreign key, so they are cleared by hand.
        await db.SecurityEvents.Where(e => e.AccountId == accountId).ExecuteDeleteAsync(ct);
        var counter = ThrottleKeys.Account(accountId);
        await db.Set<ThrottleCounter>().Where(c => c.Key == counter).ExecuteDeleteAsync(ct);
        if (await db.Users.Where(a => a.Id == accountId).ExecuteDeleteAsync(ct) != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        db.OutboxMessages.AddRange(notices);
        db.SecurityEvents.Add(deleted);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }
}
