using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using QRCoder;
using Threshold.Core.Factors.Totp;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>Setting up an authenticator app: a QR code and the same key as text, then a code to prove it was saved.</summary>
public sealed class AuthenticatorModel(AuthenticatorApp authenticator, IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    protected override bool EveryHandlerNeedsRecentSignIn => true;

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Code { get; set; }
    public string KeyForReading { get; private set; } = "";
    public string QrDataUri { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => await ShowKeyAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await authenticator.ConfirmAsync(Account, Code, HttpContext.Client(), ct);
        if (result.Outcome == TotpConfirmOutcome.Confirmed)
            return LocalRedirect(FactorAdded.Next(result.WasFirstFactor, "totp-added", ReturnUrl));
        FieldErrors["Code"] = result.Outcome switch
        {
            TotpConfirmOutcome.Malformed => Text["Enter the 6-digit code your app shows. Spaces and dashes are fine."],
            TotpConfirmOutcome.NothingPending => Text["This setup expired. Scan the new code below and try again."],
            _ => Text["That code is not right. Check that the app shows the code for this account, and that your device's clock is correct."],
        };
        Summary = Text["Please correct the following and try again."];
        Reference = result.ReferenceCode;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await ShowKeyAsync(ct);
        return Page();
    }

    private async Task ShowKeyAsync(CancellationToken ct)
    {
        var setup = await authenticator.BeginAsync(Account, ct);
        KeyForReading = TotpCodes.ForReading(setup.Base32Secret);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(setup.Uri, QRCodeGenerator.ECCLevel.M);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}
