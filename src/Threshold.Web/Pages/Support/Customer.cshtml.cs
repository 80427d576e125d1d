using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Support.Desk;

namespace Threshold.Web.Pages.Support;

/// <summary>
/// /support/customers/{id}: who the customer is, their requests, their security timeline
/// (?page=N; ?reference=CODE highlights one event) and the agents' actions on the account.
/// </summary>
public sealed class CustomerModel(CustomerFiles files, SecurityTimeline timeline, AuditTrail audit, IStringLocalizer<SharedResource> text)
    : SupportConsolePage(text)
{
    /// <summary>The newest audit lines shown here; the audit log has them all.</summary>
    public const int AuditLines = 20;

    public CustomerFile Customer { get; private set; } = null!;
    public TimelinePage? Timeline { get; private set; }
    public AuditPage Audit { get; private set; } = null!;
    /// <summary>The reference asked for, as given (to keep it in page links).</summary>
    public string? LookedUpReference { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await files.FindAsync(id, AgentId, ct) is not { } customer) return NotFound();
        Customer = customer;
        Audit = await audit.PageAsync(customer.Id, 1, AuditLines, ct);
        var reference = Request.Query["reference"];
        if (reference.Count > 1)
        {
            Refuse(Text["Look up one event at a time."]);
            return Page();
        }
        LookedUpReference = reference.FirstOrDefault();
        if (PageNumber() is not { } number) return Page();
        Timeline = await timeline.PageAsync(customer.Id, number, LookedUpReference, ct);
        return Page();
    }

    /// <summary>The address of another page of the timeline, keeping the looked-up event.</summary>
    public string PageLink(int number) =>
        $"/support/customers/{Customer.Id}?page={number}"
        + (Timeline?.LookedUp is { } e ? "&reference=" + Uri.EscapeDataString(e.ReferenceCode) : "") + "#timeline";
}
