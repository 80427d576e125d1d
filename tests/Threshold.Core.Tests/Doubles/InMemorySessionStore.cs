using Threshold.Core.Sessions;

namespace Threshold.Core.Tests.Doubles;

/// <summary>Behaves like a database: hands out copies, so only explicit writes change what is stored.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly Dictionary<Guid, Session> _sessions = new();

    public List<(Guid SessionId, DateTimeOffset At)> Touches { get; } = [];
    public List<Guid> Deletes { get; } = [];
    public IReadOnlyCollection<Session> All => _sessions.Values.Select(Copy).ToList();

    public Task CreateAsync(Session session, CancellationToken ct = default)
    {
        _sessions.Add(session.Id, Copy(session));
        return Task.CompletedTask;
    }

    public Task<Session?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        Task.FromResult(_sessions.Values.Where(s => s.TokenHash == tokenHash).Select(Copy).SingleOrDefault());

    public Task TouchAsync(Guid sessionId, DateTimeOffset at, CancellationToken ct = default)
    {
        Touches.Add((sessionId, at));
        if (_sessions.TryGetValue(sessionId, out var s)) s.LastSeenAt = at;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(Guid sessionId, CancellationToken ct = default)
    {
        Deletes.Add(sessionId);
        _sessions.Remove(sessionId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Session>> ForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Session>>(_sessions.Values.Where(s => s.AccountId == accountId).Select(Copy).ToList());

    public Task MarkAuthenticatedAsync(Guid sessionId, DateTimeOffset at, bool multiFactor, CancellationToken ct = default)
    {
        if (_sessions.TryGetValue(sessionId, out var s))
        {
            s.AuthenticatedAt = at;
            if (multiFactor) s.MultiFactorAt = at;
        }
        return Task.CompletedTask;
    }

    public Task SetPasskeyStateAsync(Guid sessionId, string? state, CancellationToken ct = default)
    {
        if (_sessions.TryGetValue(sessionId, out var s)) s.PasskeyState = state;
        return Task.CompletedTask;
    }

    public Task<string?> TakePasskeyStateAsync(Guid sessionId, CancellationToken ct = default)
    {
        if (!_sessions.TryGetValue(sessionId, out var s)) return Task.FromResult<string?>(null);
        var state = s.PasskeyState;
        s.PasskeyState = null;
        return Task.FromResult(state);
    }

    public Task<bool> DeleteForAccountAsync(Guid accountId, Guid sessionId, CancellationToken ct = default)
    {
        if (!_sessions.TryGetValue(sessionId, out var s) || s.AccountId != accountId) return Task.FromResult(false);
        Deletes.Add(sessionId);
        _sessions.Remove(sessionId);
        return Task.FromResult(true);
    }

    public Task<int> DeleteAllButAsync(Guid accountId, Guid keepSessionId, CancellationToken ct = default)
    {
        var ending = _sessions.Values.Where(s => s.AccountId == accountId && s.Id != keepSessionId).Select(s => s.Id).ToList();
        foreach (var id in ending)
        {
            Deletes.Add(id);
            _sessions.Remove(id);
        }
        return Task.FromResult(ending.Count);
    }

    public Session? Get(Guid id) => _sessions.TryGetValue(id, out var s) ? Copy(s) : null;

    private static Session Copy(Session s) => new()
    {
        Id = s.Id,
        AccountId = s.AccountId,
        TokenHash = s.TokenHash,
        CreatedAt = s.CreatedAt,
        LastSeenAt = s.LastSeenAt,
        ExpiresAt = s.ExpiresAt,
        Persistent = s.Persistent,
        IpAddress = s.IpAddress,
        UserAgent = s.UserAgent,
        AuthenticatedAt = s.AuthenticatedAt,
        MustEnrolTwoFactor = s.MustEnrolTwoFactor,
        PasskeyState = s.PasskeyState,
    };
}
