using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>A backup email address: added or changed once the emailed code comes back, or removed.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.CodeSendPolicy)]
public sealed class RecoveryEmailModel(RecoveryEmailChange recoveryEmail, IStringLocalizer<SharedResource> text) : RecoveryInfoPage(text)
{
    [BindProperty] public string? RecoveryEmail { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var result = await recoveryEmail.SendCodeAsync(Account, RecoveryEmail, Binding, HttpContext.Client(), ct);
        if (result.Value is not null) RecoveryEmail = result.Value;
        return AfterSend(result, RecoveryEmail ?? "");
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) =>
        AfterConfirm(await recoveryEmail.ConfirmAsync(Account, RecoveryEmail, Code, Binding, HttpContext.Client(), ct), "recovery-email-saved");

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct) =>
        AfterRemove(await recoveryEmail.RemoveAsync(Account, HttpContext.Client(), ct), "recovery-email-removed");
}
