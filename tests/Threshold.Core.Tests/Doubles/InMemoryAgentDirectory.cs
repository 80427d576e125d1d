using Threshold.Core.Support;

namespace Threshold.Core.Tests.Doubles;

/// <summary>The agent role and enrolment links in memory; accepting writes the audit line to <paramref name="audit"/> (as one transaction would).</summary>
public sealed class InMemoryAgentDirectory(InMemoryAgentAuditLog audit) : IAgentDirectory
{
    private readonly HashSet<Guid> _agents = [];

    public List<AgentInvitation> Invitations { get; } = [];

    public Task<bool> IsAgentAsync(Guid accountId, CancellationToken ct = default) => Task.FromResult(_agents.Contains(accountId));

    public Task GrantAsync(Guid accountId, CancellationToken ct = default)
    {
        _agents.Add(accountId);
        return Task.CompletedTask;
    }

    public async Task<bool> RevokeAsync(Guid accountId, AgentAuditEntry entry, CancellationToken ct = default)
    {
        if (!_agents.Remove(accountId)) return false;
        await audit.TryAppendAsync(entry, ct);
        return true;
    }

    public Task<IReadOnlyList<Guid>> AgentIdsAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<Guid>>(_agents.ToList());

    public Task AddInvitationAsync(AgentInvitation invitation, CancellationToken ct = default)
    {
        Invitations.Add(invitation);
        return Task.CompletedTask;
    }

    public Task<AgentInvitation?> FindInvitationAsync(string tokenHash, CancellationToken ct = default) =>
        Task.FromResult(Invitations.FirstOrDefault(i => i.TokenHash == tokenHash) is { } i ? Copy(i) : null);

    public Task<IReadOnlyList<AgentInvitation>> OpenInvitationsAsync(DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<AgentInvitation>>(Invitations.Where(i => i.AcceptedAt is null && i.ExpiresAt > now).OrderBy(i => i.ExpiresAt).Select(Copy).ToList());

    public Task<int> WithdrawInvitationsAsync(string normalizedEmail, DateTimeOffset at, CancellationToken ct = default)
    {
        var open = Invitations.Where(i => i.NormalizedEmail == normalizedEmail && i.AcceptedAt is null && i.ExpiresAt > at).ToList();
        foreach (var invitation in open) invitation.ExpiresAt = at;
        return Task.FromResult(open.Count);
    }

    public async Task<bool> TryAcceptAsync(Guid invitationId, Guid accountId, DateTimeOffset at, AgentAuditEntry entry, CancellationToken ct = default)
    {
        var invitation = Invitations.Single(i => i.Id == invitationId);
        if (invitation.AcceptedAt is not null) return false;
        invitation.AcceptedAt = at;
        invitation.AcceptedBy = accountId;
        _agents.Add(accountId);
        await audit.TryAppendAsync(entry, ct);
        return true;
    }

    private static AgentInvitation Copy(AgentInvitation i) => new()
    {
        Id = i.Id, NormalizedEmail = i.NormalizedEmail, TokenHash = i.TokenHash, CreatedAt = i.CreatedAt, ExpiresAt = i.ExpiresAt,
        AcceptedAt = i.AcceptedAt, AcceptedBy = i.AcceptedBy,
    };
}

public sealed class InMemoryAgentAuditLog : IAgentAuditLog
{
    public List<AgentAuditEntry> Entries { get; } = [];

    public Task<bool> TryAppendAsync(AgentAuditEntry entry, CancellationToken ct = default)
    {
        if (entry.FormToken is { } token && Entries.Any(e => e.FormToken == token)) return Task.FromResult(false);
        Entries.Add(entry);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<AgentAuditEntry>> PageAsync(Guid? accountId, int skip, int take, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<AgentAuditEntry>>(Entries.Where(e => accountId is null || e.AccountId == accountId)
            .OrderByDescending(e => e.At).Skip(skip).Take(take).ToList());

    public Task<int> CountAsync(Guid? accountId, CancellationToken ct = default) =>
        Task.FromResult(Entries.Count(e => accountId is null || e.AccountId == accountId));

    public Task<DateTimeOffset?> LastVerifiedAsync(Guid agentId, Guid accountId, CancellationToken ct = default) =>
        Task.FromResult(Entries.Where(e => e.AgentId == agentId && e.AccountId == accountId && e.Action == AgentAction.VerificationPassed)
            .Select(e => (DateTimeOffset?)e.At).Max());
}
