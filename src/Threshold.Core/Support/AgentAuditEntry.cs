namespace Threshold.Core.Support;

/// <summary>
/// One line of the agents' audit log: who did what to which account, when, why and for which
/// request — including what was refused. Append-only: the store can add and read, never change
/// or remove (the database refuses updates and deletes too). No foreign keys, so the line outlives
/// a deleted account or agent.
/// </summary>
public class AgentAuditEntry
{
    public const int MaxReasonLength = 500;

    public Guid Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid AgentId { get; set; }
    /// <summary>The agent's username when it happened (agents may be renamed or removed later).</summary>
    public required string AgentName { get; set; }
    public AgentAction Action { get; set; }
    public AgentActionOutcome Outcome { get; set; }
    /// <summary>The customer account acted on, if any.</summary>
    public Guid? AccountId { get; set; }
    /// <summary>The support request the action was for, by its number, if any.</summary>
    public string? RequestNumber { get; set; }
    /// <summary>Why, as the agent typed it.</summary>
    public string? Reason { get; set; }
    /// <summary>For refusals, a stable code ("not_verified", "own_account", "forged", "replayed", "wrong_account").</summary>
    public string? Detail { get; set; }
    /// <summary>The single-use token of the form that asked for the action; unique, so a replayed form cannot act twice.</summary>
    public string? FormToken { get; set; }
    public string? IpAddress { get; set; }
    public required string ReferenceCode { get; set; }
}

public enum AgentAction
{
    AgentEnrolled = 1,
    AgentRemoved = 2,
    RequestClosed = 10,
    VerificationSent = 20,
    VerificationPassed = 21,
    VerificationFailed = 22,
    Unlock = 30,
    SendPasswordReset = 31,
    SignOutAllSessions = 32,
    ResetTwoFactor = 33,
    /// <summary>A console form that failed its antiforgery or form-token check.</summary>
    ForgedForm = 90,
}

public enum AgentActionOutcome
{
    Done = 1,
    Refused = 2,
}

public interface IAgentAuditLog
{
    /// <summary>Adds the entry; false (and nothing added) when its <see cref="AgentAuditEntry.FormToken"/> was used before.</summary>
    Task<bool> TryAppendAsync(AgentAuditEntry entry, CancellationToken ct = default);
    /// <summary>Newest first, optionally only about one account.</summary>
    Task<IReadOnlyList<AgentAuditEntry>> PageAsync(Guid? accountId, int skip, int take, CancellationToken ct = default);
    Task<int> CountAsync(Guid? accountId, CancellationToken ct = default);
    /// <summary>When this agent last passed an identity check of this account, if ever.</summary>
    Task<DateTimeOffset?> LastVerifiedAsync(Guid agentId, Guid accountId, CancellationToken ct = default);
}
