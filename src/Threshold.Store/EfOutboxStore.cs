using Microsoft.EntityFrameworkCore;
using Threshold.Core.Messaging;

namespace Threshold.Store;

public sealed class EfOutboxStore(ThresholdDbContext db) : IOutboxStore
{
    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(MessageChannel channel, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct = default)
    {
        var candidates = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Channel == channel && m.SentAt == null && m.NextAttemptAt <= now && (m.LeasedUntil == null || m.LeasedUntil < now))
            .OrderBy(m => m.NextAttemptAt).Take(max).ToListAsync(ct);
        var claimed = new List<OutboxMessage>(candidates.Count);
        var until = now + lease;
        foreach (var message in candidates)
        {
            // Conditional update: when several instances race for a message, exactly one wins it.
            var won = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.SentAt == null && m.NextAttemptAt <= now && (m.LeasedUntil == null || m.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeasedUntil, until), ct);
            if (won == 1) claimed.Add(message);
        }
        return claimed;
    }

    public Task MarkSentAsync(Guid id, DateTimeOffset at, CancellationToken ct = default) =>
        db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.SentAt, at)
            .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.TextBody, "")
            .SetProperty(m => m.HtmlBody, (string?)null), ct);

    public Task MarkFailedAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct = default) =>
        db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
            .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LastError, error.Length > 1024 ? error[..1024] : error), ct);

    public async Task<IReadOnlyList<OutboxMessage>> RecentAsync(int take, CancellationToken ct = default) =>
        await db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.CreatedAt).Take(take).ToListAsync(ct);

    public async Task EnqueueAsync(OutboxMessage message, CancellationToken ct = default)
    {
        db.OutboxMessages.Add(message);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }
}
