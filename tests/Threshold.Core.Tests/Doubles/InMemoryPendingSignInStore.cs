using Threshold.Core.Flows.SignIn;

namespace Threshold.Core.Tests.Doubles;

/// <summary>Pending sign-ins as the database keeps them: copies out, and a delete that succeeds once.</summary>
public sealed class InMemoryPendingSignInStore : IPendingSignInStore
{
    private readonly Dictionary<Guid, PendingSignIn> _pending = new();

    public IReadOnlyCollection<PendingSignIn> All => _pending.Values.Select(Copy).ToList();

    public Task CreateAsync(PendingSignIn pending, CancellationToken ct = default)
    {
        _pending.Add(pending.Id, Copy(pending));
        return Task.CompletedTask;
    }

    public Task<PendingSignIn?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        Task.FromResult(_pending.Values.Where(p => p.TokenHash == tokenHash).Select(Copy).SingleOrDefault());

    public Task SetPasskeyStateAsync(Guid id, string? state, CancellationToken ct = default)
    {
        if (_pending.TryGetValue(id, out var p)) p.PasskeyState = state;
        return Task.CompletedTask;
    }

    public Task<bool> TryDeleteAsync(Guid id, CancellationToken ct = default) => Task.FromResult(_pending.Remove(id));

    public Task ExtendAsync(Guid id, DateTimeOffset until, CancellationToken ct = default)
    {
        if (_pending.TryGetValue(id, out var p) && p.ExpiresAt < until) p.ExpiresAt = until;
        return Task.CompletedTask;
    }

    public Task DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        foreach (var id in _pending.Values.Where(p => p.ExpiresAt <= now).Select(p => p.Id).ToList()) _pending.Remove(id);
        return Task.CompletedTask;
    }

    private static PendingSignIn Copy(PendingSignIn p) => new()
    {
        Id = p.Id, TokenHash = p.TokenHash, Purpose = p.Purpose, AccountId = p.AccountId, SessionId = p.SessionId, Persistent = p.Persistent,
        CreatedAt = p.CreatedAt, ExpiresAt = p.ExpiresAt, PasskeyState = p.PasskeyState,
    };
}
