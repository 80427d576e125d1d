using Microsoft.EntityFrameworkCore;

namespace Threshold.Store;

/// <summary>
/// When a recovery address or number changes, reset links and codes already sent stop working:
/// one may be sitting in a mailbox or phone the owner just took off the account.
/// </summary>
internal static class OutstandingResets
{
    public static Task EndAsync(ThresholdDbContext db, Guid accountId, DateTimeOffset at, CancellationToken ct) =>
        db.ResetTickets.Where(t => t.AccountId == accountId && t.UsedAt == null && t.ExpiresAt > at)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, at), ct);
}
