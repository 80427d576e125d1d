namespace Threshold.Core.Support.Search;

/// <summary>An account as search results list it: who it is, and nothing that could be a secret.</summary>
public sealed record CustomerSummary(Guid Id, string? UserName, string? Email);

/// <summary>
/// The console's exact lookups. Every comparison is equality on a normalised column (never
/// LIKE), and only the columns of <see cref="CustomerSummary"/> are read.
/// </summary>
public interface ICustomerSearchStore
{
    /// <summary>Accounts whose email is this normalised address, or whose verified recovery email is.</summary>
    Task<IReadOnlyList<CustomerSummary>> ByEmailAsync(string normalizedEmail, int take, CancellationToken ct = default);

    /// <summary>Accounts whose confirmed phone number is one of these E.164 numbers.</summary>
    Task<IReadOnlyList<CustomerSummary>> ByConfirmedPhoneAsync(IReadOnlyCollection<string> e164Numbers, int take, CancellationToken ct = default);

    /// <summary>The account with this normalised username, if any.</summary>
    Task<CustomerSummary?> ByUsernameAsync(string normalizedUserName, CancellationToken ct = default);

    /// <summary>The accounts that still exist among <paramref name="ids"/>, for naming them in lists.</summary>
    Task<IReadOnlyDictionary<Guid, CustomerSummary>> SummariesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default);
}
