using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Support;

namespace Threshold.Core.Accounts.Data;

/// <summary>
/// What "Your data" needs beyond the other stores: the support requests about an account, and
/// deleting the account with everything that belongs to it.
/// </summary>
public interface IAccountDataStore
{
    /// <summary>Support requests about the account that are still open, newest first.</summary>
    Task<IReadOnlyList<SupportRequest>> OpenSupportRequestsAsync(Guid accountId, CancellationToken ct = default);

    /// <summary>
    /// In one transaction: removes the account and everything it owns (sessions, factors, passkeys,
    /// codes, reset tickets, password history, sign-ins in progress, verification links, its
    /// security events and its throttle counter), detaches support requests from it (they are kept),
    /// and writes <paramref name="notices"/> and <paramref name="deleted"/>, which outlive it.
    /// Returns false, writing nothing, when the account no longer exists (deleted meanwhile).
    /// </summary>
    Task<bool> DeleteAccountAsync(Guid accountId, IReadOnlyList<OutboxMessage> notices, SecurityEvent deleted, CancellationToken ct = default);
}
