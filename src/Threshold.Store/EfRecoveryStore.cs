using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Store;

public sealed class EfRecoveryStore(ThresholdDbContext db) : IRecoveryStore
{
    public async Task AddTicketAsync(ResetTicket ticket, IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        db.ResetTickets.Add(ticket);
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
    }

    public Task<ResetTicket?> FindBySecretHashAsync(string secretHash, CancellationToken ct = default) =>
        db.ResetTickets.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == secretHash, ct);

    public Task<ResetTicket?> LatestForBrowserAsync(string browserBindingHash, CancellationToken ct = default) =>
        db.ResetTickets.AsNoTracking().Where(t => t.BrowserBindingHash == browserBindingHash && t.Channel == MessageChannel.Sms)
            .OrderByDescending(t => t.CreatedAt).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<ResetTicket>> RecentByKeyAsync(string requestKey, DateTimeOffset since, CancellationToken ct = default) =>
        await db.ResetTickets.AsNoTracking().Where(t => t.RequestKey == requestKey && t.CreatedAt >= since).ToListAsync(ct);

    public Task<int> CountToDestinationAsync(string destination, DateTimeOffset since, CancellationToken ct = default) =>
        db.ResetTickets.CountAsync(t => t.Destination == destination && t.CreatedAt >= since, ct);

    public async Task<int?> TryCountAttemptAsync(Guid ticketId, int max, CancellationToken ct = default)
    {
        var counted = await db.ResetTickets.Where(t => t.Id == ticketId && t.FailedAttempts < max)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.FailedAttempts, t => t.FailedAttempts + 1), ct);
        if (counted != 1) return null;
        return await db.ResetTickets.Where(t => t.Id == ticketId).Select(t => t.FailedAttempts).SingleAsync(ct);
    }

    public Task UncountAttemptAsync(Guid ticketId, CancellationToken ct = default) =>
        db.ResetTickets.Where(t => t.Id == ticketId && t.FailedAttempts > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.FailedAttempts, t => t.FailedAttempts - 1), ct);

    public async Task<bool> TryCompleteAsync(ResetTicket ticket, string newPasswordHash, DateTimeOffset at, PasswordHistoryEntry retired, int historyLength,
        IReadOnlyList<OutboxMessage> messages, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        if (ticket.AccountId is not { } accountId) return false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.ResetTickets.Where(t => t.Id == ticket.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, at), ct);
        // The stamp check voids the ticket if any password change happened since it was made.
        var updated = claimed == 1 ? await db.Users.Where(a => a.Id == accountId && a.SecurityStamp == ticket.SecurityStamp)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.PasswordHash, newPasswordHash)
                .SetProperty(a => a.PasswordChangedAt, at)
                .SetProperty(a => a.SecurityStamp, Guid.NewGuid().ToString("N"))
                // A new password is what "This wasn't me" asked for: the old one's ban ends with it.
                .SetProperty(a => a.PasswordResetRequired, false), ct) : 0;
        if (updated != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        if (ticket.Channel == MessageChannel.Email)
            // Opening the link proved control of the address, unless the link went to a recovery
            // email as well (any change of that address voids earlier links, so "has one now" is
            // "had one when the link was sent").
            await db.Users.Where(a => a.Id == accountId && !a.EmailConfirmed && a.RecoveryEmailVerifiedAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.EmailConfirmed, true).SetProperty(a => a.EmailVerifiedAt, at), ct);
        await PasswordHistoryWrites.RetireAsync(db, accountId, retired, historyLength, keepSessionId: null, endOtherSessions: true, ct);
        db.OutboxMessages.AddRange(messages);
        db.SecurityEvents.Add(securityEvent);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await transaction.CommitAsync(ct);
        return true;
    }
}
