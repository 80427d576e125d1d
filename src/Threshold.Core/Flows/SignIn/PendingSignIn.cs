namespace Threshold.Core.Flows.SignIn;

public enum PendingSignInPurpose
{
    /// <summary>A sign-in between the password and the second factor.</summary>
    SignIn = 1,
    /// <summary>A signed-in person proving themselves again before a sensitive change.</summary>
    Reauthenticate = 2,
    /// <summary>A sign-in with a passkey alone, waiting for the browser's answer.</summary>
    Passkey = 3,
}

/// <summary>
/// A sign-in in progress, saved with an id, an expiry and a state (flows are data). The
/// browser holds a random token for it in a cookie; only the token's hash is stored.
/// </summary>
public class PendingSignIn
{
    public Guid Id { get; set; }
    public required string TokenHash { get; set; }
    public PendingSignInPurpose Purpose { get; set; }
    /// <summary>Null until known (a passkey sign-in learns it from the passkey).</summary>
    public Guid? AccountId { get; set; }
    /// <summary>For re-authentication: the session that will count as freshly signed in.</summary>
    public Guid? SessionId { get; set; }
    /// <summary>"Keep me signed in" from the password form.</summary>
    public bool Persistent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>The WebAuthn challenge state of the ceremony in progress (not secret, single use).</summary>
    public string? PasskeyState { get; set; }
}

public interface IPendingSignInStore
{
    Task CreateAsync(PendingSignIn pending, CancellationToken ct = default);
    Task<PendingSignIn?> FindByTokenHashAsync(string tokenHash, CancellationToken ct = default);
    Task SetPasskeyStateAsync(Guid id, string? state, CancellationToken ct = default);
    /// <summary>Moves the expiry later (never earlier).</summary>
    Task ExtendAsync(Guid id, DateTimeOffset until, CancellationToken ct = default);
    /// <summary>Ends it; false when it was already ended, so each sign-in completes once.</summary>
    Task<bool> TryDeleteAsync(Guid id, CancellationToken ct = default);
    /// <summary>Removes sign-ins that were abandoned (a passkey prompt dismissed, a tab closed).</summary>
    Task DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct = default);
}
