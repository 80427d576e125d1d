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

    public async Task<bool> DeleteForAccountAsync(Guid accountId, Guid sessionId, CancellationToken ct = default) =>
        await db.Sessions.Where(s => s.Id == sessionId && s.AccountId == accountId).ExecuteDeleteAsync(ct) == 1;

    public Task<int> DeleteAllButAsync(Guid accountId, Guid keepSessionId, CancellationToken ct = default) =>
        db.Sessions.Where(s => s.AccountId == accountId && s.Id != keepSessionId).ExecuteDeleteAsync(ct);

    public async Task<IReadOnlyList<Session>> ForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        await db.Sessions.AsNoTracking().Where(s => s.AccountId == accountId).OrderByDescending(s => s.LastSeenAt).ToListAsync(ct);

    public Task MarkAuthenticatedAsync(Guid sessionId, DateTimeOffset at, bool multiFactor, CancellationToken ct = default) =>
        multiFactor
            ? db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.AuthenticatedAt, at).SetProperty(s => s.MultiFactorAt, at), ct)
            : db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.AuthenticatedAt, at), ct);

    public Task SetPasskeyStateAsync(Guid sessionId, string? state, CancellationToken ct = default) =>
        db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.PasskeyState, state), ct);

    public async Task<string?> TakePasskeyStateAsync(Guid sessionId, CancellationToken ct = default)
    {
        var state = await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.PasskeyState).FirstOrDefaultAsync(ct);
        if (state is null) return null;
        // Only the request that clears this very state may use it.
        var taken = await db.Sessions.Where(s => s.Id == sessionId && s.PasskeyState == state)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.PasskeyState, (string?)null), ct);
        return taken == 1 ? state : null;
    }
}
