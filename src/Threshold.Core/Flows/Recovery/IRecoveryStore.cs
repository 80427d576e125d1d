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
    /// <summary>
    /// Counts an attempt before the code is compared, atomically and only while fewer than
    /// <paramref name="max"/> were made, so parallel guesses cannot exceed the limit.
    /// Returns the new count, or null when the limit was already reached.
    /// </summary>
    Task<int?> TryCountAttemptAsync(Guid ticketId, int max, CancellationToken ct = default);

    /// <summary>Takes back the attempt counted for a code that turned out right.</summary>
    Task UncountAttemptAsync(Guid ticketId, CancellationToken ct = default);

    /// <summary>
    /// Uses the ticket and sets the new password in one transaction: only if the ticket is
    /// unused and the account's security stamp still matches. Ends every session of the
    /// account, keeps the old password in the history, marks the address confirmed when
    /// the ticket came by email, lifts the ban on the old password that "This wasn't me" set
    /// (Account.PasswordResetRequired), and writes the notifications and event. False when the
    /// ticket was used or voided meanwhile (nothing is written then).
    /// </summary>
    Task<bool> TryCompleteAsync(ResetTicket ticket, string newPasswordHash, DateTimeOffset at, PasswordHistoryEntry retired, int historyLength,
        IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default);
}
