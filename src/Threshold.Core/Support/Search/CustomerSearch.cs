using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support.Desk;

namespace Threshold.Core.Support.Search;

/// <param name="Customers">Accounts the text names, including the account of the event or request it names.</param>
/// <param name="Event">The security event whose reference code was typed.</param>
/// <param name="Request">The support request whose number was typed.</param>
public sealed record CustomerSearchResult(
    string ReferenceCode,
    IReadOnlyList<FieldProblem> Problems,
    CustomerQuery? Query,
    IReadOnlyList<CustomerSummary> Customers,
    TimelineEntry? Event,
    SupportRequest? Request)
{
    public bool Accepted => Problems.Count == 0;
    public bool FoundNothing => Customers.Count == 0 && Event is null && Request is null;
}

/// <summary>
/// "Search customers": by email (or verified recovery email), confirmed phone, username, or the
/// reference code of an event or request. Exact matches only, so an agent never browses through
/// accounts with a wildcard, and a search is as cheap as a sign-in lookup.
/// </summary>
public sealed class CustomerSearch(ICustomerSearchStore store, ISecurityEventLog events, ISupportRequestStore requests)
{
    /// <summary>More than any real address or number is shared by; a list this long means the search was too broad.</summary>
    public const int MaxResults = 50;

    public async Task<CustomerSearchResult> SearchAsync(string? typed, CancellationToken ct = default)
    {
        var reference = Errors.ReferenceCode.New();
        var (query, problem) = CustomerQuery.Read(typed);
        if (query is null) return new(reference, [problem!], null, [], null, null);

        var found = new List<CustomerSummary>();
        if (query.Email is { } email) found.AddRange(await store.ByEmailAsync(email, MaxResults, ct));
        if (query.Phones.Count > 0) found.AddRange(await store.ByConfirmedPhoneAsync(query.Phones, MaxResults, ct));
        if (query.Username is { } username && await store.ByUsernameAsync(username, ct) is { } named) found.Add(named);

        SecurityEvent? securityEvent = null;
        SupportRequest? request = null;
        if (query.Reference is { } code)
        {
            securityEvent = await events.FindByReferenceAsync(code, ct);
            request = await requests.FindByNumberAsync(code, ct);
            var owners = new[] { securityEvent?.AccountId, request?.AccountId }.OfType<Guid>().ToArray();
            if (owners.Length > 0) found.AddRange((await store.SummariesAsync(owners, ct)).Values);
        }

        var customers = found.DistinctBy(c => c.Id).Take(MaxResults).ToList();
        return new(reference, [], query, customers, securityEvent is null ? null : TimelineEntry.Of(securityEvent), request);
    }
}
