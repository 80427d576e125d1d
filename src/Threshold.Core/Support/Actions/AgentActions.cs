using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Factors;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;

namespace Threshold.Core.Support.Actions;

/// <summary>
/// What an agent can do for a customer whose identity they checked: clear sign-in blocks, send a
/// password reset link, sign out every session, and ask for a two-step reset that waits. Each needs
/// a reason, passes <see cref="AgentGate"/> (a passed check within Support:VerifiedFor, never the
/// agent's own account, a sound single-use form) and writes, in one transaction, its audit line
/// (who, when, why, which request, the outcome, the reference) and the customer's own event.
/// No action shows or sets a password (ASVS 6.4.6).
/// </summary>
public sealed class AgentActions(
    AgentGate gate,
    IAgentActionStore store,
    IThrottleStore throttles,
    PasswordReset passwordReset,
    TwoFactorMethods twoFactor,
    FactorResetNotices resetNotices,
    OutboxSignal outboxSignal,
    IOptions<SupportOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// "Clear sign-in blocks": every per-account block ends — the throttle counters of the account and
    /// of the identifiers it signs in with (so the pauses and the stop after repeated wrong passwords
    /// lift), Identity's lockout, and the count of wrong second-factor answers. Counters of devices and
    /// networks stay: they belong to whoever was failing, not to this account.
    /// </summary>
    public Task<AgentResult> UnlockAsync(AgentRequest request, CancellationToken ct = default) =>
        RunAsync(request, AgentAction.Unlock, SecurityEventKind.SupportUnlocked, _ => Task.FromResult(Plan.Of(new ClearSignInBlocks())),
            // Counters may live outside the database (Redis when scaled out): cleared once the action is recorded.
            account => throttles.ResetAsync(ThrottleKeysOf(account), ct), ct);

    /// <summary>A single-use reset link to the verified email address(es), through "Forgot password?"'s own tickets. The agent never sees it.</summary>
    public Task<AgentResult> SendPasswordResetAsync(AgentRequest request, CancellationToken ct = default) =>
        RunAsync(request, AgentAction.SendPasswordReset, SecurityEventKind.SupportResetLinkSent, pass =>
            Task.FromResult(passwordReset.LinkForSupport(pass.Account, pass.ReferenceCode) is { } link
                ? Plan.Of(new IssueResetTicket(link.Ticket), link.Messages, link.SentTo)
                : Plan.Refuse(AgentRefusal.NoVerifiedEmail)), null, ct);

    /// <summary>
    /// "Sign out all sessions" (ASVS 7.4.5): every session and pending sign-in ends, and a new security
    /// stamp forgets remembered devices (and voids reset links not used yet).
    /// </summary>
    public Task<AgentResult> SignOutAllAsync(AgentRequest request, CancellationToken ct = default) =>
        RunAsync(request, AgentAction.SignOutAllSessions, SecurityEventKind.SupportSessionsEnded,
            _ => Task.FromResult(Plan.Of(new EndEverySession(Guid.NewGuid().ToString("N")))), null, ct);

    /// <summary>
    /// "Reset two-step sign-in": nothing changes now. The reset waits Support:FactorResetDelay (one per
    /// account at a time) while every verified contact is told and can cancel it from the message;
    /// <see cref="FactorResets.CompleteDueAsync"/> completes it when due.
    /// </summary>
    public Task<AgentResult> ResetTwoFactorAsync(AgentRequest request, CancellationToken ct = default) =>
        RunAsync(request, AgentAction.ResetTwoFactor, SecurityEventKind.TwoFactorResetScheduled, async pass =>
        {
            var account = pass.Account;
            var factors = await twoFactor.ForAccountAsync(account, ct);
            if (!factors.IsOn && factors.BackupCodesLeft == 0) return Plan.Refuse(AgentRefusal.NoTwoStep);
            var now = clock.GetUtcNow();
            var token = SecretToken.New();
            var reset = new FactorReset
            {
                Id = Guid.NewGuid(), AccountId = account.Id, AgentId = request.AgentId, RequestedAt = now, DueAt = now + options.Value.FactorResetDelay,
                CancelTokenHash = SecretToken.Hash(token), RequestNumber = pass.RequestNumber,
            };
            var (messages, sentTo) = resetNotices.Scheduled(account, reset, token, pass.ReferenceCode);
            return Plan.Of(new ScheduleFactorReset(reset), messages, sentTo, reset.DueAt);
        }, null, ct);

    /// <summary>What an action will write, or why it cannot be done for this account.</summary>
    private sealed record Plan(AgentEffect? Effect, IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<string> SentTo, DateTimeOffset? Until,
        string? Refusal)
    {
        public static Plan Of(AgentEffect effect, IReadOnlyList<OutboxMessage>? messages = null, IReadOnlyList<string>? sentTo = null,
            DateTimeOffset? until = null) => new(effect, messages ?? [], sentTo ?? [], until, null);

        public static Plan Refuse(string refusal) => new(null, [], [], null, refusal);
    }

    private async Task<AgentResult> RunAsync(AgentRequest request, AgentAction action, SecurityEventKind kind,
        Func<GatePass, Task<Plan>> plan, Func<Account, Task>? afterwards, CancellationToken ct)
    {
        var gated = await gate.PassAsync(request, action, needsCheck: true, ct);
        if (gated.Pass is not { } pass) return gated.Stop!;
        if (AgentReason.Check(request.Reason) is { } problem) return AgentResult.Invalid(pass.ReferenceCode, problem);

        var (account, reference) = (pass.Account, pass.ReferenceCode);
        var planned = await plan(pass);
        if (planned.Refusal is { } refusal)
            return await gate.RefuseAsync(request, action, refusal, pass.TokenId, pass.RequestNumber, reference, ct);

        var entry = gate.Entry(request, action, AgentActionOutcome.Done, reference, null, pass.TokenId, pass.RequestNumber);
        var securityEvent = SecurityEvent.Of(kind, entry.At, request.Client, reference, account.Id, account.UserName,
            pass.RequestNumber is { } number ? "support:" + number : "support");
        var applied = await store.TryApplyAsync(new AgentActionWrite(entry, securityEvent, planned.Messages, planned.Effect!), ct);
        switch (applied.Outcome)
        {
            case AgentApplyOutcome.Replayed:
                return await gate.RefuseAsync(request, action, AgentRefusal.Replayed, null, pass.RequestNumber, reference, ct);
            case AgentApplyOutcome.AlreadyPending:
                return await gate.RefuseAsync(request, action, AgentRefusal.AlreadyPending, pass.TokenId, pass.RequestNumber, reference, ct);
            case AgentApplyOutcome.AccountGone:
                // As if the gate had not found it (removed in between): there is no account left to audit against.
                return new(AgentOutcome.NotFound, reference);
        }
        if (afterwards is not null) await afterwards(account);
        if (planned.Messages.Count > 0) outboxSignal.Notify();
        return new(AgentOutcome.Done, reference, SentTo: planned.SentTo, Until: planned.Until, Count: applied.Affected);
    }

    /// <summary>The counters a wrong password adds to for this account: its own, and those of the identifiers it signs in with.</summary>
    private static string[] ThrottleKeysOf(Account account) =>
        new[] { account.UserName, account.Email }.OfType<string>().Select(i => ThrottleKeys.Identifier(Identifiers.Normalize(i)))
            .Append(ThrottleKeys.Account(account.Id)).Distinct().ToArray();
}
