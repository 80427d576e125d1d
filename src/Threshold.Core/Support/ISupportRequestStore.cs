using Threshold.Core.Activity;

namespace Threshold.Core.Support;

/// <summary>The support queue: requests people opened ("Can't sign in?") or the system opened for them ("This wasn't me").</summary>
public interface ISupportRequestStore
{
    /// <summary>Saves the request and its security event together. A taken number is replaced by a fresh one; returns the number kept.</summary>
    Task<string> AddAsync(SupportRequest request, SecurityEvent opened, CancellationToken ct = default);
    Task<SupportRequest?> FindByNumberAsync(string number, CancellationToken ct = default);
    /// <summary>Open requests oldest first (a queue); closed ones newest first.</summary>
    Task<IReadOnlyList<SupportRequest>> ListAsync(SupportRequestStatus status, int skip, int take, CancellationToken ct = default);
    Task<int> CountAsync(SupportRequestStatus status, CancellationToken ct = default);
    /// <summary>Every request about the account, newest first.</summary>
    Task<IReadOnlyList<SupportRequest>> ForAccountAsync(Guid accountId, CancellationToken ct = default);
    /// <summary>Closes an open request and appends the audit line in one transaction; false when it was not open.</summary>
    Task<bool> TryCloseAsync(Guid requestId, Guid agentId, string? note, DateTimeOffset at, AgentAuditEntry audit, CancellationToken ct = default);
}
