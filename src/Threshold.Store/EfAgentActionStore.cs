using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support;
using Threshold.Core.Support.Actions;

namespace Threshold.Store;

/// <summary>An agent's action with its audit line, in one transaction: the line's unique form token lets each form act once.</summary>
public sealed class EfAgentActionStore(ThresholdDbContext db) : IAgentActionStore
{
    public async Task<AgentApplyResult> TryApplyAsync(AgentActionWrite write, CancellationToken ct = default)
    {
        var token = write.Audit.FormToken;
        // A replay is the usual duplicate: answer it without provoking (and logging) a constraint error.
        if (token is not null && await db.AgentAudit.AnyAsync(a => a.FormToken == token, ct)) return new(AgentApplyOutcome.Replayed);
        var accountId = write.Audit.AccountId!.Value;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The account's row first: two actions on one account queue here (a row lock in PostgreSQL,
        // the write lock in SQLite), so "one pending reset per account" holds under races.
        var locked = await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.ConcurrencyStamp, a => a.ConcurrencyStamp), ct);
        if (locked == 0)
        {
            // Removed since the gate read it: an audit line and event about nothing, or a foreign-key failure, otherwise.
            await transaction.RollbackAsync(ct);
            return new(AgentApplyOutcome.AccountGone);
        }
        if (write.Effect is ScheduleFactorReset
            && await db.FactorResets.AnyAsync(r => r.AccountId == accountId && r.CancelledAt == null && r.CompletedAt == null, ct))
        {
            await transaction.RollbackAsync(ct);
            return new(AgentApplyOutcome.AlreadyPending);
        }

        db.AgentAudit.Add(write.Audit);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) when (token is not null)
        {
            // Two copies of one form raced; the unique index let only one in.
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync(ct);
            return new(AgentApplyOutcome.Replayed);
        }
        var affected = await ApplyAsync(accountId, write.Effect, ct);
        db.SecurityEvents.Add(write.Event);
        db.OutboxMessages.AddRange(write.Messages);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return new(AgentApplyOutcome.Done, affected);
    }

    private async Task<int> ApplyAsync(Guid accountId, AgentEffect effect, CancellationToken ct)
    {
        switch (effect)
        {
            case ClearSignInBlocks:
                await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.AccessFailedCount, 0)
                    .SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null)
                    .SetProperty(a => a.SecondFactorFailures, 0)
                    .SetProperty(a => a.SecondFactorFailedAt, (DateTimeOffset?)null), ct);
                return 0;
            case EndEverySession end:
                await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.SecurityStamp, end.NewSecurityStamp), ct);
                // A sign-in waiting for its second factor would otherwise still complete.
                await db.PendingSignIns.Where(p => p.AccountId == accountId).ExecuteDeleteAsync(ct);
                return await db.Sessions.Where(s => s.AccountId == accountId).ExecuteDeleteAsync(ct);
            case IssueResetTicket issue:
                db.ResetTickets.Add(issue.Ticket);
                return 0;
            case ScheduleFactorReset schedule:
                db.FactorResets.Add(schedule.Reset);
                return 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(effect), effect.GetType().Name, "Unknown agent effect");
        }
    }
}
