using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Actions;

/// <summary>
/// What one of the console's forms asked, as the page bound it. The agent comes from the session,
/// the account from the address; the rest is exactly what the form sent.
/// </summary>
/// <param name="AgentName">The agent's username now, for the audit line.</param>
/// <param name="RequestNumber">The support request the agent came from, if any.</param>
/// <param name="Reason">Why, in the agent's words (actions need one).</param>
public sealed record AgentRequest(Guid AgentId, string AgentName, Guid AccountId, string? FormToken, string? RequestNumber, ClientInfo Client,
    string? Reason = null);

public enum AgentOutcome
{
    /// <summary>Done, and written to the audit log.</summary>
    Done,
    /// <summary>Refused and written to the audit log (see <see cref="AgentResult.Detail"/>); nothing changed.</summary>
    Refused,
    /// <summary>A field needs correcting; nothing was done or recorded (<see cref="AgentResult.Problems"/>).</summary>
    Invalid,
    /// <summary>A code was sent a moment ago; the next one waits (<see cref="AgentResult.RetryAfter"/>).</summary>
    TooSoon,
    /// <summary>No such account.</summary>
    NotFound,
}

/// <summary>What the act page shows after a form.</summary>
/// <param name="Detail">For refusals, the audit log's code (<see cref="AgentRefusal"/>).</param>
/// <param name="SentTo">Masked addresses or numbers something went to.</param>
/// <param name="Until">When the passed check, the sent code or the scheduled reset runs out or takes effect.</param>
/// <param name="Count">Sessions ended, or tries left for a wrong code.</param>
public sealed record AgentResult(AgentOutcome Outcome, string ReferenceCode, string? Detail = null, IReadOnlyList<FieldProblem>? Problems = null,
    IReadOnlyList<string>? SentTo = null, DateTimeOffset? Until = null, int Count = 0, TimeSpan? RetryAfter = null)
{
    public IReadOnlyList<FieldProblem> FieldProblems => Problems ?? [];

    public static AgentResult Invalid(string reference, params FieldProblem[] problems) => new(AgentOutcome.Invalid, reference, Problems: problems);
}

/// <summary>The audit log's codes for refusals (<see cref="AgentAuditEntry.Detail"/>); stable, the console and tests read them.</summary>
public static class AgentRefusal
{
    public const string Forged = "forged";
    public const string WrongAccount = "wrong_account";
    public const string Expired = "expired";
    public const string Replayed = "replayed";
    public const string NotVerified = "not_verified";
    public const string OwnAccount = "own_account";
    /// <summary>A reset link needs a verified email address.</summary>
    public const string NoVerifiedEmail = "no_verified_email";
    /// <summary>There is no second factor to reset.</summary>
    public const string NoTwoStep = "no_two_step";
    /// <summary>A two-step reset is already waiting for this account.</summary>
    public const string AlreadyPending = "already_pending";
    /// <summary>The console's antiforgery check failed (the action's handler never ran).</summary>
    public const string Antiforgery = "antiforgery";
}
