using Threshold.Core.Support.Search;

namespace Threshold.Core.Support.Desk;

/// <param name="Customers">The accounts the listed requests are about (those that still exist), by id.</param>
public sealed record QueuePage(Paged<SupportRequest> Page, IReadOnlyDictionary<Guid, CustomerSummary> Customers);

/// <param name="Customer">The account it is about, when it matched one that still exists.</param>
/// <param name="ClosedBy">The agent who closed it, when that account still exists.</param>
public sealed record RequestFile(SupportRequest Request, CustomerSummary? Customer, CustomerSummary? ClosedBy);

/// <summary>The support queue: open requests oldest first (first come, first served), closed ones newest first.</summary>
public sealed class SupportQueue(ISupportRequestStore requests, ICustomerSearchStore customers)
{
    public const int PageSize = 20;

    public async Task<QueuePage> PageAsync(SupportRequestStatus status, int number, CancellationToken ct = default)
    {
        var page = await Paged<SupportRequest>.ReadAsync(number, PageSize,
            () => requests.CountAsync(status, ct),
            (skip, take) => requests.ListAsync(status, skip, take, ct));
        var ids = page.Items.Select(r => r.AccountId).OfType<Guid>().Distinct().ToList();
        return new(page, ids.Count == 0 ? new Dictionary<Guid, CustomerSummary>() : await customers.SummariesAsync(ids, ct));
    }

    /// <param name="number">As typed or linked: any case, with or without the hyphen.</param>
    public async Task<RequestFile?> FindAsync(string? number, CancellationToken ct = default)
    {
        if (number is not { Length: > 0 and <= CustomerQuery.MaxLength } || CustomerQuery.LooseReference(number) is not { } canonical) return null;
        if (await requests.FindByNumberAsync(canonical, ct) is not { } request) return null;
        var ids = new[] { request.AccountId, request.ClosedBy }.OfType<Guid>().Distinct().ToList();
        var names = ids.Count == 0 ? new Dictionary<Guid, CustomerSummary>() : await customers.SummariesAsync(ids, ct);
        return new(request,
            request.AccountId is { } account ? names.GetValueOrDefault(account) : null,
            request.ClosedBy is { } agent ? names.GetValueOrDefault(agent) : null);
    }
}
