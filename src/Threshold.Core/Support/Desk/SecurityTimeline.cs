using Threshold.Core.Activity;
using Threshold.Core.Support.Search;

namespace Threshold.Core.Support.Desk;

/// <param name="LookedUp">The event named by reference, when it belongs to this account.</param>
/// <param name="LookedUpOnPage">The looked-up event is among <see cref="Paged{T}.Items"/> (else the page shows it first, on its own).</param>
/// <param name="LookedUpMissing">A reference was given but names no event of this account.</param>
public sealed record TimelinePage(Paged<TimelineEntry> Page, TimelineEntry? LookedUp, bool LookedUpOnPage, bool LookedUpMissing);

/// <summary>
/// A customer's security timeline: every event of the account, of every kind — sign-ins and
/// failures, pauses, resets, factor and recovery changes, reports, support actions — newest first.
/// The login history the owner sees is a subset of it.
/// </summary>
public sealed class SecurityTimeline(ISecurityEventLog events)
{
    public const int PageSize = 20;

    public static readonly IReadOnlyCollection<SecurityEventKind> AllKinds = Enum.GetValues<SecurityEventKind>();

    /// <param name="reference">A reference code to highlight, typed loosely; ignored unless it is one of this account's events.</param>
    public async Task<TimelinePage> PageAsync(Guid accountId, int number, string? reference, CancellationToken ct = default)
    {
        var page = await Paged<TimelineEntry>.ReadAsync(number, PageSize,
            () => events.CountAsync(accountId, AllKinds, ct),
            async (skip, take) => (await events.PageAsync(accountId, AllKinds, skip, take, ct)).Select(TimelineEntry.Of).ToList());
        if (string.IsNullOrWhiteSpace(reference)) return new(page, null, false, false);

        var code = reference.Length <= CustomerQuery.MaxLength ? CustomerQuery.LooseReference(reference) : null;
        var found = code is null ? null : await events.FindByReferenceAsync(code, ct);
        // Another account's event is not shown here, whatever the link says.
        if (found is null || found.AccountId != accountId) return new(page, null, false, true);
        return new(page, TimelineEntry.Of(found), page.Items.Any(e => e.Id == found.Id), false);
    }
}
