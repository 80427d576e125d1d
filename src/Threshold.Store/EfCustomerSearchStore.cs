using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support.Search;

namespace Threshold.Store;

/// <summary>
/// The console's customer lookups: equality on the normalised, indexed columns sign-in uses
/// (never LIKE, so no character in a search is a wildcard), projected to the few columns a
/// result shows — the password hash and security stamp are never read.
/// </summary>
public sealed class EfCustomerSearchStore(ThresholdDbContext db) : ICustomerSearchStore
{
    public async Task<IReadOnlyList<CustomerSummary>> ByEmailAsync(string normalizedEmail, int take, CancellationToken ct = default) =>
        await db.Users.AsNoTracking()
            .Where(a => a.NormalizedEmail == normalizedEmail || (a.NormalizedRecoveryEmail == normalizedEmail && a.RecoveryEmailVerifiedAt != null))
            .OrderBy(a => a.NormalizedUserName).Take(take)
            .Select(a => new CustomerSummary(a.Id, a.UserName, a.Email)).ToListAsync(ct);

    public async Task<IReadOnlyList<CustomerSummary>> ByConfirmedPhoneAsync(IReadOnlyCollection<string> e164Numbers, int take, CancellationToken ct = default) =>
        await db.Users.AsNoTracking()
            .Where(a => a.PhoneNumberConfirmed && a.PhoneNumber != null && e164Numbers.Contains(a.PhoneNumber))
            .OrderBy(a => a.NormalizedUserName).Take(take)
            .Select(a => new CustomerSummary(a.Id, a.UserName, a.Email)).ToListAsync(ct);

    public Task<CustomerSummary?> ByUsernameAsync(string normalizedUserName, CancellationToken ct = default) =>
        db.Users.AsNoTracking().Where(a => a.NormalizedUserName == normalizedUserName)
            .Select(a => new CustomerSummary(a.Id, a.UserName, a.Email)).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyDictionary<Guid, CustomerSummary>> SummariesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) =>
        await db.Users.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new CustomerSummary(a.Id, a.UserName, a.Email)).ToDictionaryAsync(c => c.Id, ct);
}
