namespace Threshold.Core.Sessions;

/// <summary>A signed-in browser. The cookie holds a random token; only its hash is stored here.</summary>
public class Session
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>The absolute end, whatever the activity.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>"Keep me signed in": a long absolute lifetime and no idle timeout.</summary>
    public bool Persistent { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>When the person last proved who they are in this session (sign-in or re-authentication).</summary>
    public DateTimeOffset AuthenticatedAt { get; set; }
    /// <summary>Set when policy requires two-step sign-in and the account has none yet: only enrolment pages open.</summary>
    public bool MustEnrolTwoFactor { get; set; }
    /// <summary>
    /// When this session last proved a second factor (the second step, a passkey, or re-authentication
    /// with the second step). Null after a password-only or remembered-device sign-in. Agents need it.
    /// </summary>
    public DateTimeOffset? MultiFactorAt { get; set; }
    /// <summary>The WebAuthn state of a passkey being added in this session (single use).</summary>
    public string? PasskeyState { get; set; }
}

public interface ISessionStore
{
    Task CreateAsync(Session session, CancellationToken ct = default);
    Task<Session?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default);
    Task TouchAsync(Guid sessionId, DateTimeOffset at, CancellationToken ct = default);
    Task DeleteAsync(Guid sessionId, CancellationToken ct = default);
    Task<IReadOnlyList<Session>> ForAccountAsync(Guid accountId, CancellationToken ct = default);
    Task MarkAuthenticatedAsync(Guid sessionId, DateTimeOffset at, bool multiFactor, CancellationToken ct = default);
    Task SetPasskeyStateAsync(Guid sessionId, string? state, CancellationToken ct = default);
    /// <summary>Reads and clears the passkey state at once, so a ceremony's state is used once.</summary>
    Task<string?> TakePasskeyStateAsync(Guid sessionId, CancellationToken ct = default);
    /// <summary>Deletes the session only if it belongs to the account; false when no such session of that account exists.</summary>
    Task<bool> DeleteForAccountAsync(Guid accountId, Guid sessionId, CancellationToken ct = default);
    /// <summary>Deletes every session of the account except <paramref name="keepSessionId"/>; returns how many ended.</summary>
    Task<int> DeleteAllButAsync(Guid accountId, Guid keepSessionId, CancellationToken ct = default);
}

/// <summary>Bound from the "Sessions" section. NIST 800-63B AAL2 reauthentication limits.</summary>
public class SessionOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan PersistentLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How stale LastSeenAt may get before a request writes it again (bounds writes per request).</summary>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);
}
