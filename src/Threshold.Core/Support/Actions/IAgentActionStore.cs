using Threshold.Core.Activity;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;

namespace Threshold.Core.Support.Actions;

/// <summary>What an action changes on the account, besides its audit line, event and messages.</summary>
public abstract record AgentEffect;

/// <summary>Identity's lockout and the count of wrong second-factor answers go back to zero (the throttle counters are cleared apart).</summary>
public sealed record ClearSignInBlocks : AgentEffect;

/// <summary>Every session and pending sign-in ends; the new stamp forgets remembered devices and voids unused reset links.</summary>
public sealed record EndEverySession(string NewSecurityStamp) : AgentEffect;

/// <summary>A reset link's ticket (its messages travel in the write).</summary>
public sealed record IssueResetTicket(ResetTicket Ticket) : AgentEffect;

/// <summary>A two-step reset that waits; refused while another one is pending for the account.</summary>
public sealed record ScheduleFactorReset(FactorReset Reset) : AgentEffect;

/// <summary>Everything one agent action writes, in one transaction.</summary>
public sealed record AgentActionWrite(AgentAuditEntry Audit, SecurityEvent Event, IReadOnlyList<OutboxMessage> Messages, AgentEffect Effect);

public enum AgentApplyOutcome
{
    Done,
    /// <summary>The audit line's form token was used before: nothing was written.</summary>
    Replayed,
    /// <summary>A two-step reset is already waiting for the account: nothing was written.</summary>
    AlreadyPending,
    /// <summary>The account was removed after the form was checked: nothing was written.</summary>
    AccountGone,
}

/// <param name="Affected">For <see cref="EndEverySession"/>: how many sessions ended.</param>
public sealed record AgentApplyResult(AgentApplyOutcome Outcome, int Affected = 0);

public interface IAgentActionStore
{
    /// <summary>
    /// Appends the audit line (its form token unique), applies the effect, and writes the event and
    /// messages, all in one transaction. Nothing is written when the token was used before, a
    /// two-step reset is already pending, or the account no longer exists.
    /// </summary>
    Task<AgentApplyResult> TryApplyAsync(AgentActionWrite write, CancellationToken ct = default);
}
