using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Core.Flows.Recovery;

public interface IRecoveryStore
{
    /// <summary>Saves the ticket with its message(s) and event in one transaction.</summary>
    Task AddTicketAsync(ResetTicket ticket, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);
    Task<ResetTicket?> FindBySecretHashAsync(string secretHash, CancellationToken ct = default);
    /// <summary>The newest code ticket made for this browser.</summary>
    Task<ResetTicket?> LatestForBrowserAsync(string browserBindingHash, CancellationToken ct = default);
    Task<IReadOnlyList<ResetTicket>> RecentByKeyAsync(string requestKey, DateTimeOffset since, CancellationToken ct = default);
    Task<int> CountToDestinationAsync(string destination, DateTimeOffset since, CancellationToken ct = default);
    /// <summary>Adds one wrong attempt and returns the new count.</summary>
    Task<int> AddFailedAttemptAsync(Guid ticketId, CancellationToken ct = default);

    /// <summary>
    /// Uses the ticket and sets the new password in one transaction: only if the ticket is
    /// unused and the account's security stamp still matches. Ends every session of the
    /// account, keeps the old password in the history, marks the address confirmed when
    /// the ticket came by email, and writes the notifications and event. False when the
    /// ticket was used or voided meanwhile (nothing is written then).
    /// </summary>
    Task<bool> TryCompleteAsync(ResetTicket ticket, string newPasswordHash, DateTimeOffset at, PasswordHistoryEntry retired, int historyLength,
        IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);
}
