using Microsoft.Extensions.Logging;
using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Desk;

public enum ClosingOutcome
{
    Closed,
    /// <summary>Someone closed it first (another agent, or this form sent twice): nothing written.</summary>
    AlreadyClosed,
    NotFound,
    /// <summary>The request is about the agent's own account: refused, and the refusal audited.</summary>
    OwnAccount,
    /// <summary>The note is missing, too long or holds control characters.</summary>
    Invalid,
}

/// <param name="AgentName">The agent's username, kept in the audit line as it is now.</param>
/// <param name="Note">"What was done", as typed.</param>
public sealed record RequestClosingInput(Guid AgentId, string AgentName, string? Number, string? Note, ClientInfo Client);

public sealed record ClosingResult(ClosingOutcome Outcome, string ReferenceCode, IReadOnlyList<FieldProblem> Problems);

/// <summary>
/// Closing a request with a note of what was done. The close and its audit line are one
/// transaction, and only an open request can be closed, so a form sent twice closes once and
/// audits once. Agents do not close requests about their own account (issue 8, item 7).
/// </summary>
public sealed class RequestClosing(ISupportRequestStore requests, IAgentAuditLog audit, TimeProvider clock, ILogger<RequestClosing> logger)
{
    public async Task<ClosingResult> CloseAsync(RequestClosingInput input, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var number = input.Number is { Length: <= 64 } typed ? Search.CustomerQuery.LooseReference(typed) : null;
        if (number is null || await requests.FindByNumberAsync(number, ct) is not { } request)
            return new(ClosingOutcome.NotFound, reference, []);

        var now = clock.GetUtcNow();
        var note = input.Note?.Trim();
        if (request.AccountId == input.AgentId)
        {
            await audit.TryAppendAsync(Line(input, request, now, reference, AgentActionOutcome.Refused, Fit(note), "own_account"), ct);
            logger.LogWarning("Agent {AgentId} tried to close request {Number} about their own account, reference {Reference}", input.AgentId, request.Number, reference);
            return new(ClosingOutcome.OwnAccount, reference, []);
        }
        if (Problem(note) is { } problem) return new(ClosingOutcome.Invalid, reference, [problem]);
        if (request.Status != SupportRequestStatus.Open) return new(ClosingOutcome.AlreadyClosed, reference, []);

        var closed = await requests.TryCloseAsync(request.Id, input.AgentId, note, now,
            Line(input, request, now, reference, AgentActionOutcome.Done, note, null), ct);
        return new(closed ? ClosingOutcome.Closed : ClosingOutcome.AlreadyClosed, reference, []);
    }

    private static FieldProblem? Problem(string? note)
    {
        if (string.IsNullOrEmpty(note)) return new("Note", "closing_note.missing");
        // Line breaks and tabs are writing; other control characters (and broken surrogates) are not.
        if (Accounts.Identifiers.HasControlCharacters(note.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)
                .Replace("\t", "", StringComparison.Ordinal)))
            return new("Note", "closing_note.invalid");
        if (note.Length > SupportRequest.MaxNoteLength) return new("Note", "closing_note.too_long");
        return null;
    }

    /// <summary>A refused attempt keeps what the agent wrote, as far as the audit line holds it.</summary>
    private static string? Fit(string? note) => Problem(note)?.Code switch
    {
        null => note,
        "closing_note.too_long" => note![..AgentAuditEntry.MaxReasonLength],
        _ => null,
    };

    private static AgentAuditEntry Line(RequestClosingInput input, SupportRequest request, DateTimeOffset at, string reference,
        AgentActionOutcome outcome, string? reason, string? detail) => new()
    {
        Id = Guid.NewGuid(),
        At = at,
        AgentId = input.AgentId,
        AgentName = input.AgentName,
        Action = AgentAction.RequestClosed,
        Outcome = outcome,
        AccountId = request.AccountId,
        RequestNumber = request.Number,
        Reason = reason,
        Detail = detail,
        IpAddress = input.Client.IpAddress,
        ReferenceCode = reference,
    };
}
