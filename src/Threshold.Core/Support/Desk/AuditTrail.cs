using Threshold.Core.Support.Search;

namespace Threshold.Core.Support.Desk;

/// <param name="Customers">The accounts the listed lines are about (those that still exist), by id.</param>
public sealed record AuditPage(Paged<AgentAuditEntry> Page, IReadOnlyDictionary<Guid, CustomerSummary> Customers);

/// <summary>The agents' audit log as the console shows it: read-only, newest first.</summary>
public sealed class AuditTrail(IAgentAuditLog log, ICustomerSearchStore customers)
{
    public const int PageSize = 50;

    /// <param name="accountId">Only the lines about this account; null for all.</param>
    public async Task<AuditPage> PageAsync(Guid? accountId, int number, int size = PageSize, CancellationToken ct = default)
    {
        var page = await Paged<AgentAuditEntry>.ReadAsync(number, size,
            () => log.CountAsync(accountId, ct),
            (skip, take) => log.PageAsync(accountId, skip, take, ct));
        var ids = page.Items.Select(e => e.AccountId).OfType<Guid>().Distinct().ToList();
        return new(page, ids.Count == 0 ? new Dictionary<Guid, CustomerSummary>() : await customers.SummariesAsync(ids, ct));
    }
}
