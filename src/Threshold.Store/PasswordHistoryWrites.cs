using Microsoft.EntityFrameworkCore;
using Threshold.Core.Passwords;

namespace Threshold.Store;

/// <summary>What every password change writes besides the new hash: the retired hash, trimmed history, and (usually) ended sessions.</summary>
internal static class PasswordHistoryWrites
{
    public static async Task RetireAsync(ThresholdDbContext db, Guid accountId, PasswordHistoryEntry? retired, int historyLength, Guid? keepSessionId,
        bool endOtherSessions, CancellationToken ct)
    {
        if (retired is not null)
        {
            db.PasswordHistory.Add(retired);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        var keep = await db.PasswordHistory.Where(h => h.AccountId == accountId)
            .OrderByDescending(h => h.ReplacedAt).Take(historyLength).Select(h => h.Id).ToListAsync(ct);
        await db.PasswordHistory.Where(h => h.AccountId == accountId && !keep.Contains(h.Id)).ExecuteDeleteAsync(ct);
        if (endOtherSessions)
            await db.Sessions.Where(s => s.AccountId == accountId && s.Id != keepSessionId).ExecuteDeleteAsync(ct);
    }
}
