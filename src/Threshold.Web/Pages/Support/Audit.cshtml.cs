using Microsoft.Extensions.Localization;
using Threshold.Core.Support.Desk;

namespace Threshold.Web.Pages.Support;

/// <summary>/support/audit: every agent's actions and refusals, newest first. Read-only, and visible to every agent.</summary>
public sealed class AuditModel(AuditTrail trail, IStringLocalizer<SharedResource> text) : SupportConsolePage(text)
{
    public AuditPage? Audit { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (PageNumber() is not { } number) return;
        Audit = await trail.PageAsync(null, number, ct: ct);
    }
}
