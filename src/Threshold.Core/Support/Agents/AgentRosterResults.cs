namespace Threshold.Core.Support.Agents;

public enum InviteOutcome { Invited, AlreadyAgent, Invalid }

/// <param name="Email">The address as typed, cleaned (trimmed, NFKC).</param>
/// <param name="Account">The account that uses this email today, if any (it may register later).</param>
public sealed record InviteResult(InviteOutcome Outcome, string Email, Uri? Link = null, DateTimeOffset? ExpiresAt = null,
    TimeSpan? Lifetime = null, Accounts.Account? Account = null);

/// <summary>One holder of the agent role; Email and UserName are null if the account is gone.</summary>
public sealed record AgentListing(Guid AccountId, string? Email, string? UserName);

public sealed record AgentList(IReadOnlyList<AgentListing> Agents, IReadOnlyList<AgentInvitation> OpenInvitations);

public enum RemoveOutcome
{
    /// <summary>The role was taken away (and any open links withdrawn).</summary>
    Removed,
    /// <summary>Not an agent, but open links for the address were withdrawn.</summary>
    LinksWithdrawn,
    /// <summary>Not an agent and no open link: nothing changed.</summary>
    NotFound,
    Invalid,
}

/// <param name="ReferenceCode">The audit line's reference, when the role was removed.</param>
public sealed record RemoveResult(RemoveOutcome Outcome, string Email, int LinksWithdrawn, string? ReferenceCode, Accounts.Account? Account = null);
