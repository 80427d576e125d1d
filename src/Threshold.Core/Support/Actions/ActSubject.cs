using Threshold.Core.Accounts;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Support.Verification;

namespace Threshold.Core.Support.Actions;

/// <summary>Everything the act page shows about a customer, as this agent may see it. No secret, no full address.</summary>
/// <param name="OwnAccount">The agent's own account: no forms at all.</param>
/// <param name="VerifiedUntil">When this agent's passed identity check stops counting; null when none counts now.</param>
/// <param name="RequestNumber">The request the agent came from, when it names one; <paramref name="RequestUnknown"/> when it did not.</param>
public sealed record ActSubject(Account Account, bool OwnAccount, IReadOnlyList<CheckContact> Contacts, DateTimeOffset? VerifiedUntil,
    PendingCheckCode? PendingCode, FactorReset? PendingReset, bool HasTwoStep, string? RequestNumber, bool RequestUnknown)
{
    public bool HasVerifiedEmail => Contacts.Any(c => c.Channel == Messaging.MessageChannel.Email);
}

public sealed class ActSubjects(
    IAccountStore accounts,
    AgentGate gate,
    IdentityCheck check,
    IFactorResetStore resets,
    ISupportRequestStore requests,
    TwoFactorMethods twoFactor)
{
    /// <returns>Null when there is no such account.</returns>
    public async Task<ActSubject?> LoadAsync(Guid agentId, Guid accountId, string? requestNumber, CancellationToken ct = default)
    {
        if (await accounts.FindByIdAsync(accountId, ct) is not { } account) return null;
        var number = AgentGate.NormalizeNumber(requestNumber);
        var known = number is not null && ReferenceCode.IsWellFormed(number) && await requests.FindByNumberAsync(number, ct) is not null;
        var factors = await twoFactor.ForAccountAsync(account, ct);
        return new(account, account.Id == agentId, CheckContact.Of(account),
            await gate.VerifiedUntilAsync(agentId, accountId, ct),
            await check.PendingCodeAsync(agentId, accountId, ct),
            await resets.PendingForAccountAsync(accountId, ct),
            factors.IsOn || factors.BackupCodesLeft > 0,
            known ? number : null, number is not null && !known);
    }
}
