using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Threshold.Core.Messaging;

namespace Threshold.Web.Pages.Dev;

/// <summary>Development only, and only while mail stays in the outbox: messages hold single-use links.</summary>
public sealed class OutboxModel(IOutboxStore outbox, IWebHostEnvironment environment, IOptions<MailOptions> mail) : PageModel
{
    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!environment.IsDevelopment() || mail.Value.SmtpConfigured) return NotFound();
        Messages = await outbox.RecentAsync(50, ct);
        return Page();
    }
}
