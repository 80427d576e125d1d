namespace Threshold.Core.Support;

/// <summary>
/// The one-time enrolment link an operator's <c>agents add EMAIL</c> prints. Only the link's hash is
/// kept. The role is granted when the account with that verified email, signed in with two steps,
/// accepts it.
/// </summary>
public class AgentInvitation
{
    public Guid Id { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedBy { get; set; }
}

/// <summary>Who holds the agent role (Identity's role tables), and the enrolment links.</summary>
public interface IAgentDirectory
{
    Task<bool> IsAgentAsync(Guid accountId, CancellationToken ct = default);
    Task GrantAsync(Guid accountId, CancellationToken ct = default);
    /// <summary>Takes the role away and appends <paramref name="audit"/> in one transaction; false (nothing written) when the account was not an agent.</summary>
    Task<bool> RevokeAsync(Guid accountId, AgentAuditEntry audit, CancellationToken ct = default);
    Task<IReadOnlyList<Guid>> AgentIdsAsync(CancellationToken ct = default);

    Task AddInvitationAsync(AgentInvitation invitation, CancellationToken ct = default);
    Task<AgentInvitation?> FindInvitationAsync(string tokenHash, CancellationToken ct = default);
    /// <summary>Links neither used nor expired at <paramref name="now"/>, the soonest to expire first.</summary>
    Task<IReadOnlyList<AgentInvitation>> OpenInvitationsAsync(DateTimeOffset now, CancellationToken ct = default);
    /// <summary>Ends this address's open links at once (they expire at <paramref name="at"/>); how many there were.</summary>
    Task<int> WithdrawInvitationsAsync(string normalizedEmail, DateTimeOffset at, CancellationToken ct = default);
    /// <summary>Marks the invitation accepted and grants the role in one step; false when it was already used.</summary>
    Task<bool> TryAcceptAsync(Guid invitationId, Guid accountId, DateTimeOffset at, AgentAuditEntry audit, CancellationToken ct = default);
}
