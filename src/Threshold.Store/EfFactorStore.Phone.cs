using Microsoft.EntityFrameworkCore;
using Threshold.Core.Factors;

namespace Threshold.Store;

/// <summary>The phone as recovery info: set or removed apart from text-message codes.</summary>
public sealed partial class EfFactorStore
{
    public async Task SetPhoneAsync(Guid accountId, string e164, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.PhoneNumber, e164).SetProperty(a => a.PhoneNumberConfirmed, true), ct);
        await OutstandingResets.EndAsync(db, accountId, at, ct);
        Record(change);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<bool> RemovePhoneAsync(Guid accountId, DateTimeOffset at, FactorChangeRecord change, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.Users.Where(a => a.Id == accountId && a.PhoneNumber != null).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.PhoneNumber, (string?)null)
            .SetProperty(a => a.PhoneNumberConfirmed, false)
            .SetProperty(a => a.SmsCodesEnabled, false)
            .SetProperty(a => a.SecurityAlertsBySms, false), ct);
        if (removed != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await OutstandingResets.EndAsync(db, accountId, at, ct);
        await RemovedAsync(accountId, change, ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
