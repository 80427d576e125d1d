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

    public async Task<IReadOnlyList<SecurityEvent>> PageAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, int skip, int take,
        CancellationToken ct = default) =>
        await db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == accountId && kinds.Contains(e.Kind))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(ct);

    public Task<int> CountAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, CancellationToken ct = default) =>
        db.SecurityEvents.CountAsync(e => e.AccountId == accountId && kinds.Contains(e.Kind), ct);

    public async Task<SignInFirsts> FirstSeenAsync(Guid accountId, CancellationToken ct = default)
    {
        // Grouped here rather than in SQL: the time column is stored as ticks, and one account's sign-ins are few.
        var signIns = await db.SecurityEvents.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.Kind == SecurityEventKind.SignInSucceeded)
            .Select(e => new { e.DeviceHash, e.CountryCode, e.At }).ToListAsync(ct);
        return new(
            signIns.Where(s => s.DeviceHash is not null).GroupBy(s => s.DeviceHash!).ToDictionary(g => g.Key, g => g.Min(s => s.At)),
            signIns.Where(s => s.CountryCode is not null).GroupBy(s => s.CountryCode!).ToDictionary(g => g.Key, g => g.Min(s => s.At)));
    }
}
