using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.Recovery;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Recover;

[EnableRateLimiting(RecoveryRateLimit.Policy)]
public sealed class UsernameModel(UsernameReminder reminder, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public UsernameInput Input { get; set; } = new();
    public bool Sent { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await reminder.RequestAsync(new UsernameReminderRequest(Input.Contact, HttpContext.Client()), ct);
        if (!result.Accepted)
        {
            Show(result.Problems, result.ReferenceCode);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Sent = true;
        return Page();
    }
}

public sealed class UsernameInput
{
    public string? Contact { get; set; }
}
