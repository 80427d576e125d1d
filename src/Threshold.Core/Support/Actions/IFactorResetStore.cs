using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Core.Support.Actions;

/// <summary>The delayed two-step resets: reading them, the owner's cancel, and completion when due.</summary>
public interface IFactorResetStore
{
    Task<FactorReset?> FindByCancelTokenHashAsync(string cancelTokenHash, CancellationToken ct = default);
    /// <summary>The reset waiting for the account, if any (there is at most one).</summary>
    Task<FactorReset?> PendingForAccountAsync(Guid accountId, CancellationToken ct = default);
    /// <summary>Marks it cancelled with its event; false, writing nothing, when it was cancelled or completed meanwhile.</summary>
    Task<bool> TryCancelAsync(Guid resetId, DateTimeOffset at, SecurityEvent securityEvent, CancellationToken ct = default);
    /// <summary>Pending resets whose delay is over, oldest first.</summary>
    Task<IReadOnlyList<FactorReset>> DueAsync(DateTimeOffset now, int take, CancellationToken ct = default);
    /// <summary>
    /// In one transaction, only while the reset is still pending: marks it completed, removes every
    /// second factor of the account (authenticator apps, passkeys, backup codes, codes by text and
    /// email, the preference, the count of wrong answers), sets the new security stamp, ends every
    /// session and pending sign-in, and writes the messages and event. False, writing nothing, otherwise.
    /// </summary>
    Task<bool> TryCompleteAsync(FactorReset reset, DateTimeOffset at, string newSecurityStamp, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default);
}
