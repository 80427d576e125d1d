using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// The phone number as a way back in, apart from sign-in codes by text message
/// (/account/security/phone turns those on): added or changed once the texted code comes
/// back, or removed — which turns text-message codes and alerts off.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.CodeSendPolicy)]
public sealed class RecoveryPhoneModel(RecoveryPhoneChange recoveryPhone, IStringLocalizer<SharedResource> text) : RecoveryInfoPage(text)
{
    [BindProperty] public string? PhoneNumber { get; set; }

    /// <summary>The confirmed number, grouped for reading, or null.</summary>
    public string? Current => RecoveryPhoneChange.HasPhone(Account) ? PhoneNumberText.ForDisplay(Account.PhoneNumber!) : null;

    public void OnGet() { }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var result = await recoveryPhone.SendCodeAsync(Account, PhoneNumber, Binding, HttpContext.Client(), ct);
        return AfterSend(result, result.Value is null ? PhoneNumber ?? "" : PhoneNumberText.ForDisplay(result.Value));
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) =>
        AfterConfirm(await recoveryPhone.ConfirmAsync(Account, PhoneNumber, Code, Binding, HttpContext.Client(), ct), "recovery-phone-saved");

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct) =>
        AfterRemove(await recoveryPhone.RemoveAsync(Account, HttpContext.Client(), ct), "recovery-phone-removed");
}
