using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support;

namespace Threshold.Store;

/// <summary>The agents' audit log: add and read only; the database refuses changes as well.</summary>
public sealed class EfAgentAuditLog(ThresholdDbContext db) : IAgentAuditLog
{
    public async Task<bool> TryAppendAsync(AgentAuditEntry entry, CancellationToken ct = default)
    {
        if (entry.FormToken is { } token && await db.AgentAudit.AnyAsync(a => a.FormToken == token, ct)) return false;
        db.AgentAudit.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException) when (entry.FormToken is not null)
        {
            // Two copies of one form raced; the unique index let only one in.
            db.Entry(entry).State = EntityState.Detached;
            return false;
        }
    }

    public async Task<IReadOnlyList<AgentAuditEntry>> PageAsync(Guid? accountId, int skip, int take, CancellationToken ct = default) =>
        await Scope(accountId).OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);

    public Task<int> CountAsync(Guid? accountId, CancellationToken ct = default) => Scope(accountId).CountAsync(ct);

    public async Task<DateTimeOffset?> LastVerifiedAsync(Guid agentId, Guid accountId, CancellationToken ct = default) =>
        await db.AgentAudit.AsNoTracking()
            .Where(a => a.AgentId == agentId && a.AccountId == accountId && a.Action == AgentAction.VerificationPassed && a.Outcome == AgentActionOutcome.Done)
            .OrderByDescending(a => a.At).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(ct);

    private IQueryable<AgentAuditEntry> Scope(Guid? accountId) =>
        accountId is { } id ? db.AgentAudit.AsNoTracking().Where(a => a.AccountId == id) : db.AgentAudit.AsNoTracking();
}
