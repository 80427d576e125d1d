using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Actions;

/// <summary>A form that passed the gate: the account, the form token's id and the request number as stored.</summary>
/// <param name="VerifiedUntil">When this agent's passed identity check of the account runs out, if one is current.</param>
public sealed record GatePass(Account Account, string TokenId, string? RequestNumber, string ReferenceCode, DateTimeOffset? VerifiedUntil);

/// <summary>Either a pass or the answer to give (a refusal already written to the audit log).</summary>
public sealed record GateResult(GatePass? Pass, AgentResult? Stop);

/// <summary>
/// What every form of the act page passes before it does anything, in this order: the account
/// exists; it is not the agent's own; the form token is sound, this agent's, this account's and
/// recent; the request number (if any) names a request; and, for actions, this agent passed an
/// identity check of this account within Support:VerifiedFor. Every refusal is written to the
/// audit log with its code; a token already used is refused as "replayed".
/// </summary>
public sealed class AgentGate(
    IAccountStore accounts,
    IAgentAuditLog audit,
    ISupportRequestStore requests,
    AgentFormTokens tokens,
    IOptions<SupportOptions> options,
    TimeProvider clock)
{
    public async Task<GateResult> PassAsync(AgentRequest request, AgentAction action, bool needsCheck, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var account = await accounts.FindByIdAsync(request.AccountId, ct);
        if (account is null) return new(null, new(AgentOutcome.NotFound, reference));
        // Before anything else: whatever the form says, an agent never acts on their own account.
        if (account.Id == request.AgentId)
            return new(null, await RefuseAsync(request, action, AgentRefusal.OwnAccount, null, null, reference, ct));

        var token = tokens.Read(request.FormToken, request.AgentId, request.AccountId);
        if (token.Status != FormTokenStatus.Valid)
            return new(null, await RefuseAsync(request, action, token.Detail, null, null, reference, ct));

        var number = NormalizeNumber(request.RequestNumber);
        if (number is not null && (!ReferenceCode.IsWellFormed(number) || await requests.FindByNumberAsync(number, ct) is null))
            return new(null, AgentResult.Invalid(reference, new FieldProblem("Request", "support_request.unknown")));

        var until = await VerifiedUntilAsync(request.AgentId, account.Id, ct);
        if (needsCheck && until is null)
            return new(null, await RefuseAsync(request, action, AgentRefusal.NotVerified, token.Id, number, reference, ct));
        return new(new(account, token.Id!, number, reference, until), null);
    }

    /// <summary>When this agent's last passed check of the account stops counting, or null when none counts now.</summary>
    public async Task<DateTimeOffset?> VerifiedUntilAsync(Guid agentId, Guid accountId, CancellationToken ct = default)
    {
        if (agentId == accountId) return null;
        var passed = await audit.LastVerifiedAsync(agentId, accountId, ct);
        var until = passed + options.Value.VerifiedFor;
        return until > clock.GetUtcNow() ? until : null;
    }

    /// <summary>
    /// Writes the refusal and answers with it. The form's token (when it was sound) is used up by the
    /// refusal too; when it had been used already, the refusal is recorded as "replayed" instead.
    /// </summary>
    public async Task<AgentResult> RefuseAsync(AgentRequest request, AgentAction action, string detail, string? tokenId, string? requestNumber,
        string reference, CancellationToken ct = default)
    {
        var entry = Entry(request, action, AgentActionOutcome.Refused, reference, detail, tokenId, requestNumber);
        if (!await audit.TryAppendAsync(entry, ct))
        {
            detail = AgentRefusal.Replayed;
            await audit.TryAppendAsync(Entry(request, action, AgentActionOutcome.Refused, reference, detail, null, requestNumber), ct);
        }
        return new(AgentOutcome.Refused, reference, detail);
    }

    /// <summary>The audit line for what this form asked: who, when, from where, which account and request, why, and the outcome.</summary>
    public AgentAuditEntry Entry(AgentRequest request, AgentAction action, AgentActionOutcome outcome, string reference, string? detail = null,
        string? tokenId = null, string? requestNumber = null) => new()
    {
        Id = Guid.NewGuid(),
        At = clock.GetUtcNow(),
        AgentId = request.AgentId,
        AgentName = Truncate(request.AgentName, 256) ?? "",
        Action = action,
        Outcome = outcome,
        AccountId = request.AccountId,
        RequestNumber = requestNumber,
        Reason = Truncate(AgentReason.Clean(request.Reason), AgentAuditEntry.MaxReasonLength),
        Detail = detail,
        FormToken = tokenId,
        IpAddress = Truncate(request.Client.IpAddress, 64),
        ReferenceCode = reference,
    };

    /// <summary>As typed, trimmed and upper-cased (numbers are read out over the phone); null when empty.</summary>
    public static string? NormalizeNumber(string? number) => string.IsNullOrWhiteSpace(number) ? null : number.Trim().ToUpperInvariant();

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
