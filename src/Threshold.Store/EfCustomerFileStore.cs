using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support;
using Threshold.Core.Support.Desk;

namespace Threshold.Store;

public sealed class EfCustomerFileStore(ThresholdDbContext db) : ICustomerFileStore
{
    public Task<FactorReset?> PendingFactorResetAsync(Guid accountId, CancellationToken ct = default) =>
        db.FactorResets.AsNoTracking()
            .Where(r => r.AccountId == accountId && r.CancelledAt == null && r.CompletedAt == null)
            .OrderBy(r => r.DueAt).FirstOrDefaultAsync(ct);
}
