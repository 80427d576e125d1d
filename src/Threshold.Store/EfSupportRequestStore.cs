using Microsoft.EntityFrameworkCore;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;

namespace Threshold.Store;

public sealed class EfSupportRequestStore(ThresholdDbContext db) : ISupportRequestStore
{
    public async Task<string> AddAsync(SupportRequest request, SecurityEvent opened, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.SupportRequests.Add(request);
            db.SecurityEvents.Add(opened);
            try
            {
                await db.SaveChangesAsync(ct);
                return request.Number;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // One in a trillion: the number was taken. Same request, new number (anything else fails again and surfaces).
                request.Number = ReferenceCode.New();
                if (opened.Kind == SecurityEventKind.SupportRequestOpened) opened.Identifier = request.Number;
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public Task<SupportRequest?> FindByNumberAsync(string number, CancellationToken ct = default) =>
        db.SupportRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Number == number, ct);

    public async Task<IReadOnlyList<SupportRequest>> ListAsync(SupportRequestStatus status, int skip, int take, CancellationToken ct = default)
    {
        var query = db.SupportRequests.AsNoTracking().Where(r => r.Status == status);
        query = status == SupportRequestStatus.Open
            ? query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            : query.OrderByDescending(r => r.ClosedAt).ThenBy(r => r.Id);
        return await query.Skip(skip).Take(take).ToListAsync(ct);
    }

    public Task<int> CountAsync(SupportRequestStatus status, CancellationToken ct = default) =>
        db.SupportRequests.CountAsync(r => r.Status == status, ct);

    public async Task<IReadOnlyList<SupportRequest>> ForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        await db.SupportRequests.AsNoTracking().Where(r => r.AccountId == accountId).OrderByDescending(r => r.CreatedAt).ToListAsync(ct);

    public async Task<bool> TryCloseAsync(Guid requestId, Guid agentId, string? note, DateTimeOffset at, AgentAuditEntry audit, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var closed = await db.SupportRequests.Where(r => r.Id == requestId && r.Status == SupportRequestStatus.Open)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SupportRequestStatus.Closed).SetProperty(r => r.ClosedAt, at)
                .SetProperty(r => r.ClosedBy, agentId).SetProperty(r => r.ClosingNote, note), ct);
        if (closed != 1) return false;
        db.AgentAudit.Add(audit);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }
}
