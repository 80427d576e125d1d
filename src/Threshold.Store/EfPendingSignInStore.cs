using Microsoft.EntityFrameworkCore;
using Threshold.Core.Flows.SignIn;

namespace Threshold.Store;

public sealed class EfPendingSignInStore(ThresholdDbContext db) : IPendingSignInStore
{
    public async Task CreateAsync(PendingSignIn pending, CancellationToken ct = default)
    {
        db.PendingSignIns.Add(pending);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    public Task<PendingSignIn?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        db.PendingSignIns.AsNoTracking().FirstOrDefaultAsync(p => p.TokenHash == tokenHash, ct);

    public Task SetPasskeyStateAsync(Guid id, string? state, CancellationToken ct = default) =>
        db.PendingSignIns.Where(p => p.Id == id).ExecuteUpdateAsync(u => u.SetProperty(p => p.PasskeyState, state), ct);

    public Task ExtendAsync(Guid id, DateTimeOffset until, CancellationToken ct = default) =>
        db.PendingSignIns.Where(p => p.Id == id && p.ExpiresAt < until).ExecuteUpdateAsync(u => u.SetProperty(p => p.ExpiresAt, until), ct);

    public async Task<bool> TryDeleteAsync(Guid id, CancellationToken ct = default) =>
        await db.PendingSignIns.Where(p => p.Id == id).ExecuteDeleteAsync(ct) == 1;

    public Task DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct = default) =>
        db.PendingSignIns.Where(p => p.ExpiresAt <= now).ExecuteDeleteAsync(ct);
}
