using Microsoft.Extensions.Options;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Messaging;
using Threshold.Core.Support.Actions;

namespace Threshold.Core.Support.Verification;

/// <summary>A code sent for a check and not used yet: where it went (masked) and until when it works.</summary>
public sealed record PendingCheckCode(string SentTo, DateTimeOffset ExpiresAt);

/// <summary>
/// The identity check before any action: the agent sends a six-digit code to a contact already
/// verified on the account, the customer reads it back, the agent types it. The code is stored as
/// a salted hash, bound to the agent who asked (another agent cannot use it), works for
/// Support:VerificationCodeLifetime and a few tries. Each step is written to the agents' audit log
/// (VerificationSent / Passed / Failed) and to the customer's own history (SupportCheck*). A pass
/// lets that agent act on that account for Support:VerifiedFor. The agent never sees the code or
/// the contact itself.
/// </summary>
public sealed class IdentityCheck(
    AgentGate gate,
    IFactorStore factors,
    OutOfBandCodes codes,
    IAgentAuditLog audit,
    ISecurityEventLog events,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    IOptions<SupportOptions> options,
    IOptions<TwoFactorOptions> twoFactorOptions,
    TimeProvider clock)
{
    /// <summary>Sends the code to the verified contact the form names.</summary>
    public async Task<AgentResult> SendAsync(AgentRequest request, string? contactKey, CancellationToken ct = default)
    {
        var gated = await gate.PassAsync(request, AgentAction.VerificationSent, needsCheck: false, ct);
        if (gated.Pass is not { } pass) return gated.Stop!;
        var (account, reference) = (pass.Account, pass.ReferenceCode);
        if (CheckContact.Of(account).FirstOrDefault(c => c.Key == contactKey) is not { } contact)
            return AgentResult.Invalid(reference, new FieldProblem("Contact", "support_contact.unknown"));

        var now = clock.GetUtcNow();
        var binding = Binding(request.AgentId);
        var cooldown = twoFactorOptions.Value.CodeResendCooldown;
        if (await factors.LatestCodeAsync(account.Id, CodePurpose.SupportCheck, binding, ct) is { } latest && now - latest.CreatedAt < cooldown)
            return new(AgentOutcome.TooSoon, reference, RetryAfter: cooldown - (now - latest.CreatedAt));

        // The form's token is used up here, before anything is sent: a replayed form sends nothing.
        if (!await audit.TryAppendAsync(gate.Entry(request, AgentAction.VerificationSent, AgentActionOutcome.Done, reference, contact.Key, pass.TokenId,
                pass.RequestNumber), ct))
            return await gate.RefuseAsync(request, AgentAction.VerificationSent, AgentRefusal.Replayed, null, pass.RequestNumber, reference, ct);

        var lifetime = options.Value.VerificationCodeLifetime;
        var code = new OneTimeCode
        {
            Id = Guid.NewGuid(), AccountId = account.Id, Purpose = CodePurpose.SupportCheck, Channel = contact.Channel, Destination = contact.Destination,
            CodeHash = "", Binding = binding, CreatedAt = now, ExpiresAt = now + lifetime,
        };
        var digits = DigitCodes.New(OutOfBandCodes.Digits);
        code.CodeHash = OutOfBandCodes.Hash(code.Id, digits);
        var minutes = (int)Math.Ceiling(lifetime.TotalMinutes);
        var message = contact.Channel == MessageChannel.Sms
            ? messages.SupportCheckSms(contact.Destination, digits, minutes, reference)
            : messages.SupportCheckEmail(contact.Destination, account.UserName ?? contact.Destination, digits, minutes, reference);
        await factors.AddCodeAsync(code, [message],
            SecurityEvent.Of(SecurityEventKind.SupportCheckSent, now, request.Client, reference, account.Id, account.UserName, contact.Key), ct);
        outboxSignal.Notify();
        return new(AgentOutcome.Done, reference, SentTo: [contact.Masked], Until: code.ExpiresAt);
    }

    /// <summary>Checks the code the customer read out. A pass is recorded with the time it counts until.</summary>
    public async Task<AgentResult> CheckAsync(AgentRequest request, string? typed, CancellationToken ct = default)
    {
        var gated = await gate.PassAsync(request, AgentAction.VerificationFailed, needsCheck: false, ct);
        if (gated.Pass is not { } pass) return gated.Stop!;
        var (account, reference) = (pass.Account, pass.ReferenceCode);
        if (string.IsNullOrWhiteSpace(typed)) return AgentResult.Invalid(reference, new FieldProblem("Code", "support_code.missing"));
        if (OutOfBandCodes.Normalize(typed) is null) return AgentResult.Invalid(reference, new FieldProblem("Code", "support_code.malformed"));

        var check = await codes.CheckAsync(account.Id, CodePurpose.SupportCheck, Binding(request.AgentId), typed, ct);
        var (action, outcome, detail, kind) = check.Accepted
            ? (AgentAction.VerificationPassed, AgentActionOutcome.Done, (string?)null, SecurityEventKind.SupportCheckPassed)
            : (AgentAction.VerificationFailed, AgentActionOutcome.Refused, FailureCode(check.Outcome), SecurityEventKind.SupportCheckFailed);
        var entry = gate.Entry(request, action, outcome, reference, detail, pass.TokenId, pass.RequestNumber);
        if (!await audit.TryAppendAsync(entry, ct))
            return await gate.RefuseAsync(request, AgentAction.VerificationFailed, AgentRefusal.Replayed, null, pass.RequestNumber, reference, ct);
        await events.RecordAsync(SecurityEvent.Of(kind, entry.At, request.Client, reference, account.Id, account.UserName, detail), ct);
        return check.Accepted
            ? new(AgentOutcome.Done, reference, Until: entry.At + options.Value.VerifiedFor)
            : new(AgentOutcome.Refused, reference, detail, Count: check.AttemptsLeft);
    }

    /// <summary>The code this agent sent for this account that can still be read back, if any.</summary>
    public async Task<PendingCheckCode?> PendingCodeAsync(Guid agentId, Guid accountId, CancellationToken ct = default)
    {
        var code = await factors.LatestCodeAsync(accountId, CodePurpose.SupportCheck, Binding(agentId), ct);
        if (code is null || code.UsedAt is not null || code.ExpiresAt <= clock.GetUtcNow()) return null;
        var masked = code.Channel == MessageChannel.Sms ? Flows.Recovery.Masking.Phone(code.Destination) : Flows.Recovery.Masking.Email(code.Destination);
        return new(masked, code.ExpiresAt);
    }

    /// <summary>A code works only for the agent who asked for it.</summary>
    private static string Binding(Guid agentId) => "agent:" + agentId.ToString("N");

    private static string FailureCode(CodeCheckOutcome outcome) => outcome switch
    {
        CodeCheckOutcome.Expired => "code_expired",
        CodeCheckOutcome.TooManyAttempts => "too_many_attempts",
        CodeCheckOutcome.NoCode => "no_code",
        _ => "wrong_code",
    };
}
