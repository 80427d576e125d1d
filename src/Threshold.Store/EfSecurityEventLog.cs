using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;

namespace Threshold.Store;

public sealed class EfSecurityEventLog(ThresholdDbContext db) : ISecurityEventLog
{
    public async Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.SecurityEvents.Add(securityEvent);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    public async Task<IReadOnlyList<SecurityEvent>> ForAccountAsync(Guid accountId, int take, CancellationToken ct = default) =>
        await db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == accountId)
            .OrderByDescending(e => e.At).Take(take).ToListAsync(ct);

    public Task<int> CountAsync(Guid accountId, SecurityEventKind kind, DateTimeOffset since, CancellationToken ct = default) =>
        db.SecurityEvents.CountAsync(e => e.AccountId == accountId && e.Kind == kind && e.At >= since, ct);

    public Task<SecurityEvent?> FindByReferenceAsync(string referenceCode, CancellationToken ct = default) =>
        db.SecurityEvents.AsNoTracking().FirstOrDefaultAsync(e => e.ReferenceCode == referenceCode, ct);
}
