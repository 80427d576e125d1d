using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Store;

/// <summary>The recovery email and the choice of security notices by text message.</summary>
public sealed partial class EfAccountStore
{
    public async Task<IReadOnlyList<Account>> FindByVerifiedRecoveryEmailAsync(string normalizedEmail, CancellationToken ct = default) =>
        await db.Users.AsNoTracking().Where(a => a.NormalizedRecoveryEmail == normalizedEmail && a.RecoveryEmailVerifiedAt != null)
            .Take(10).ToListAsync(ct);

    public async Task SetRecoveryEmailAsync(Guid accountId, string? email, DateTimeOffset at, IReadOnlyList<OutboxMessage> messages,
        SecurityEvent securityEvent, CancellationToken ct = default)
    {
        var normalized = email is null ? null : Identifiers.Normalize(email);
        DateTimeOffset? verifiedAt = email is null ? null : at;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Users.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.RecoveryEmail, email)
            .SetProperty(a => a.NormalizedRecoveryEmail, normalized)
            .SetProperty(a => a.RecoveryEmailVerifiedAt, verifiedAt), ct);
        await OutstandingResets.EndAsync(db, accountId, at, ct);
        await RecordAsync(messages, securityEvent, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<bool> SetSecurityAlertsBySmsAsync(Guid accountId, bool on, SecurityEvent securityEvent, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Users.Where(a => a.Id == accountId && (!on || (a.PhoneNumberConfirmed && a.PhoneNumber != null)))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SecurityAlertsBySms, on), ct);
        if (changed != 1)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        await RecordAsync([], securityEvent, ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
