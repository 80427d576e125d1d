using Microsoft.EntityFrameworkCore;
using Threshold.Core.Sessions;

namespace Threshold.Store;

public sealed class EfSessionStore(ThresholdDbContext db) : ISessionStore
{
    public async Task CreateAsync(Session session, CancellationToken ct = default)
    {
        db.Sessions.Add(session);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    public Task<Session?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == tokenHash, ct);

    public Task TouchAsync(Guid sessionId, DateTimeOffset at, CancellationToken ct = default) =>
        db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, at), ct);

    public Task DeleteAsync(Guid sessionId, CancellationToken ct = default) =>
        db.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct);

    public async Task<IReadOnlyList<Session>> ForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        await db.Sessions.AsNoTracking().Where(s => s.AccountId == accountId).OrderByDescending(s => s.LastSeenAt).ToListAsync(ct);
}
