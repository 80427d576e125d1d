using Microsoft.Extensions.Localization;
using Threshold.Core.Support;
using Threshold.Core.Support.Desk;

namespace Threshold.Web.Pages.Support;

/// <summary>/support: the search form and the queue of requests, open ones oldest first (?status=closed for the closed ones).</summary>
public sealed class IndexModel(SupportQueue queue, IStringLocalizer<SharedResource> text) : SupportConsolePage(text)
{
    public SupportRequestStatus Status { get; private set; } = SupportRequestStatus.Open;
    public QueuePage? Queue { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var status = Request.Query["status"];
        var chosen = SupportRequestStatus.Open;
        if (status.Count > 1 || (status.Count == 1 && !TryStatus(status[0], out chosen)))
        {
            Refuse(Text["There is no such list. Choose open or closed requests."]);
            return;
        }
        Status = chosen;
        if (PageNumber() is not { } number) return;
        Queue = await queue.PageAsync(Status, number, ct);
    }

    private static bool TryStatus(string? named, out SupportRequestStatus status)
    {
        status = named?.ToLowerInvariant() switch
        {
            "open" => SupportRequestStatus.Open,
            "closed" => SupportRequestStatus.Closed,
            _ => 0,
        };
        return status != 0;
    }

    /// <summary>The address of another page of this list.</summary>
    public string PageLink(int number) =>
        "/support?" + (Status == SupportRequestStatus.Closed ? "status=closed&" : "") + "page=" + number;
}
