using Microsoft.Extensions.Options;
using Threshold.Core.Activity;
using Threshold.Core.Secrets;

namespace Threshold.Core.Sessions;

/// <summary>Server-side sessions: a new random token at every sign-in, checked and expired here, revocable at once.</summary>
public sealed class SessionManager(ISessionStore store, IOptions<SessionOptions> options, TimeProvider clock)
{
    private SessionOptions Options => options.Value;

    /// <returns>The stored session and the token for the cookie (never stored).</returns>
    /// <param name="mustEnrolTwoFactor">Policy requires a second factor the account does not have yet.</param>
    /// <param name="multiFactor">The sign-in proved a second factor (second step or passkey).</param>
    public async Task<(Session Session, string Token)> StartAsync(Guid accountId, bool persistent, ClientInfo client, CancellationToken ct = default,
        bool mustEnrolTwoFactor = false, bool multiFactor = false)
    {
        var token = SecretToken.New();
        var now = clock.GetUtcNow();
        var session = new Session
        {
            Id = Guid.NewGuid(),
            AccountId = accountId,
            TokenHash = SecretToken.Hash(token),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + (persistent ? Options.PersistentLifetime : Options.AbsoluteLifetime),
            Persistent = persistent,
            IpAddress = client.IpAddress,
            UserAgent = SecurityEvent.Truncate(client.UserAgent),
            AuthenticatedAt = now,
            MustEnrolTwoFactor = mustEnrolTwoFactor,
            MultiFactorAt = multiFactor ? now : null,
        };
        await store.CreateAsync(session, ct);
        return (session, token);
    }

    /// <summary>The live session for this token, or null when it is unknown, ended, idle too long or past its end.</summary>
    public async Task<Session?> ValidateAsync(string? token, CancellationToken ct = default)
    {
        if (SecretToken.Parse(token) is not { } parsed) return null;
        var session = await store.FindByTokenHashAsync(SecretToken.Hash(parsed), ct);
        if (session is null) return null;
        var now = clock.GetUtcNow();
        var idleExpired = !session.Persistent && now - session.LastSeenAt >= Options.IdleTimeout;
        if (now >= session.ExpiresAt || idleExpired)
        {
            await store.DeleteAsync(session.Id, ct);
            return null;
        }
        if (now - session.LastSeenAt >= Options.TouchInterval)
        {
            session.LastSeenAt = now;
            await store.TouchAsync(session.Id, now, ct);
        }
        return session;
    }

    public async Task EndAsync(string? token, CancellationToken ct = default)
    {
        if (SecretToken.Parse(token) is not { } parsed) return;
        var session = await store.FindByTokenHashAsync(SecretToken.Hash(parsed), ct);
        if (session is not null) await store.DeleteAsync(session.Id, ct);
    }
}
