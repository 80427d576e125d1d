using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Errors;

namespace Threshold.Core.Sessions;

/// <summary>A signed-in browser as its owner sees it on the sessions page.</summary>
/// <param name="Place">Where the address the session started from is (null when unknown).</param>
/// <param name="IsCurrent">The session of the browser looking at the page.</param>
public sealed record ActiveSession(Guid Id, DeviceName Device, string? IpAddress, GeoPlace? Place, DateTimeOffset StartedAt,
    DateTimeOffset LastActiveAt, bool IsCurrent);

public enum EndSessionOutcome
{
    /// <summary>Another of the account's sessions ended.</summary>
    Ended,
    /// <summary>The session asking ended: this browser is signed out.</summary>
    EndedCurrent,
    /// <summary>Not a session of this account (malformed, unknown, ended already, or someone else's): nothing ended.</summary>
    NotFound,
}

public sealed record EndSessionResult(EndSessionOutcome Outcome, string ReferenceCode);

/// <summary>
/// The owner's view of their sessions, and ending them (ASVS 7.5.2). Sessions are server-side:
/// deleting the row ends one, and its browser is signed out at its next request. A session can
/// only be ended through the account it belongs to; the store's delete checks both ids at once.
/// </summary>
public sealed class ActiveSessions(
    ISessionStore store,
    IGeoLocator geo,
    ISecurityEventLog events,
    IOptions<SessionOptions> options,
    TimeProvider clock,
    ILogger<ActiveSessions> log)
{
    /// <summary>The account's live sessions, this browser's first, then the most recently active.</summary>
    public async Task<IReadOnlyList<ActiveSession>> ListAsync(Guid accountId, Guid? currentSessionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var sessions = await store.ForAccountAsync(accountId, ct);
        return sessions
            .Where(s => s.Id == currentSessionId || IsLive(s, now))
            .OrderByDescending(s => s.Id == currentSessionId).ThenByDescending(s => s.LastSeenAt)
            .Select(s => new ActiveSession(s.Id, DeviceNames.Read(s.UserAgent), s.IpAddress, geo.Locate(s.IpAddress), s.CreatedAt, s.LastSeenAt,
                s.Id == currentSessionId))
            .ToList();
    }

    /// <param name="sessionId">As the form sent it: anything at all.</param>
    public async Task<EndSessionResult> EndAsync(Account account, string? sessionId, Guid? currentSessionId, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var parsed = Guid.TryParse(sessionId, out var id);
        if (!parsed || !await store.DeleteForAccountAsync(account.Id, id, ct))
        {
            // Session ids are row keys, not secrets (the cookie holds a separate token); what is not an id is not logged as typed.
            log.LogInformation("Refused to end session {SessionId} for account {AccountId}: not one of its sessions, reference {Reference}",
                parsed ? id.ToString() : "(not a session id)", account.Id, reference);
            return new(EndSessionOutcome.NotFound, reference);
        }
        var current = id == currentSessionId;
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.SessionEnded, clock.GetUtcNow(), client, reference, account.Id, account.UserName,
            current ? "current" : "other"), ct);
        return new(current ? EndSessionOutcome.EndedCurrent : EndSessionOutcome.Ended, reference);
    }

    /// <summary>"Sign out everywhere else": every session of the account but <paramref name="currentSessionId"/>. Returns how many ended.</summary>
    public async Task<int> EndOthersAsync(Account account, Guid currentSessionId, ClientInfo client, CancellationToken ct = default)
    {
        var ended = await store.DeleteAllButAsync(account.Id, currentSessionId, ct);
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.OtherSessionsEnded, clock.GetUtcNow(), client, ReferenceCode.New(), account.Id,
            account.UserName), ct);
        return ended;
    }

    /// <summary>The rule <see cref="SessionManager.ValidateAsync"/> applies: not past its end, and not idle too long unless kept signed in.</summary>
    private bool IsLive(Session session, DateTimeOffset now) =>
        now < session.ExpiresAt && (session.Persistent || now - session.LastSeenAt < options.Value.IdleTimeout);
}
