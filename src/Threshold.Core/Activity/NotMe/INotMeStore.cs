using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Support;

namespace Threshold.Core.Activity.NotMe;

/// <summary>Everything one "This wasn't me" report writes, in one transaction.</summary>
/// <param name="ReportedReference">The reference code of the event reported.</param>
/// <param name="NewSecurityStamp">Replaces the account's stamp: remembered devices and older reset links stop working.</param>
/// <param name="Ticket">The reset link sent to the owner (its stamp is <paramref name="NewSecurityStamp"/>), when one could be sent.</param>
public sealed record NotMeWrite(Guid AccountId, string ReportedReference, string NewSecurityStamp, SupportRequest Request, ResetTicket? Ticket,
    IReadOnlyList<OutboxMessage> Messages, SecurityEvent Event);

public interface INotMeStore
{
    /// <summary>The report already made about this event of this account, if any.</summary>
    Task<SupportRequest?> FindReportAsync(Guid accountId, string reportedReference, CancellationToken ct = default);

    /// <summary>
    /// Secures the account, atomically: ends every session and pending sign-in, rotates the
    /// security stamp, requires a new password, and writes the reset ticket, messages, event and
    /// support request. False, writing nothing, when this event was reported meanwhile (or the
    /// account is gone); two reports of one event never both succeed.
    /// </summary>
    Task<bool> TrySecureAsync(NotMeWrite write, CancellationToken ct = default);
}
