using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Support;

namespace Threshold.Store;

public sealed class EfNotMeStore(ThresholdDbContext db) : INotMeStore
{
    public Task<SupportRequest?> FindReportAsync(Guid accountId, string reportedReference, CancellationToken ct = default) =>
        db.SupportRequests.AsNoTracking()
            .Where(r => r.AccountId == accountId && r.Kind == SupportRequestKind.NotMe && r.EventReference == reportedReference)
            .OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(ct);

    public async Task<bool> TrySecureAsync(NotMeWrite write, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The account's row is written first: a second report of the same entry waits on it
        // (a row lock in PostgreSQL, the write lock in SQLite), then finds the first one's request.
        var secured = await db.Users.Where(a => a.Id == write.AccountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.SecurityStamp, write.NewSecurityStamp)
            .SetProperty(a => a.PasswordResetRequired, true), ct);
        if (secured != 1 || await db.SupportRequests.AnyAsync(r => r.AccountId == write.AccountId && r.Kind == SupportRequestKind.NotMe
                && r.EventReference == write.ReportedReference, ct))
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await db.Sessions.Where(s => s.AccountId == write.AccountId).ExecuteDeleteAsync(ct);
        // A sign-in waiting for its second factor would otherwise still complete.
        await db.PendingSignIns.Where(p => p.AccountId == write.AccountId).ExecuteDeleteAsync(ct);
        if (write.Ticket is not null) db.ResetTickets.Add(write.Ticket);
        db.SupportRequests.Add(write.Request);
        db.OutboxMessages.AddRange(write.Messages);
        db.SecurityEvents.Add(write.Event);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }
}
