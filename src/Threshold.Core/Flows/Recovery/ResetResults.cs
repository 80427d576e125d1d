using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;

namespace Threshold.Core.Flows.Recovery;

public sealed record ResetRequest(string? Identifier, MessageChannel? Channel, string? BrowserBindingToken, ClientInfo Client);

public enum ResetRequestOutcome { Sent, ChooseChannel, TooSoon, Invalid }

/// <summary>
/// What the request page says. <see cref="ResetRequestOutcome.Sent"/> looks the same
/// whether or not an account matched; only the channel (email or text) is shown.
/// </summary>
public sealed record ResetRequestResult(ResetRequestOutcome Outcome, MessageChannel Channel, string ReferenceCode,
    IReadOnlyList<FieldProblem> Problems, TimeSpan RetryAfter = default, string? MaskedEmail = null, string? MaskedPhone = null);

public enum ResetStatus { Valid, Invalid, Expired, Used, Superseded, WrongCode, TooManyAttempts }

public sealed record ResetLinkPreview(ResetStatus Status, string? Username, string ReferenceCode);

public sealed record ResetCompletion(ResetStatus Status, IReadOnlyList<FieldProblem> Problems, string ReferenceCode, int AttemptsLeft = 0)
{
    public bool Completed => Status == ResetStatus.Valid && Problems.Count == 0;
}

/// <summary>A reset link a support agent asked for: the ticket and messages to save, and where they go (masked, for the agent).</summary>
public sealed record SupportResetLink(ResetTicket Ticket, IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<string> SentTo);
