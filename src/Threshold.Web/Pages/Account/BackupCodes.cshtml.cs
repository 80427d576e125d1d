using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// Backup codes: shown once when made (right after the first factor, or on request after
/// re-authentication), with a printable layout and a .txt download. Only hashes are kept,
/// so the download posts back the codes this page just showed, sealed for ten minutes.
/// </summary>
public sealed class BackupCodesModel(
    BackupCodeSet backupCodes,
    TwoFactorMethods methods,
    IDataProtectionProvider protection,
    IOptions<ThresholdOptions> threshold,
    IOptions<TwoFactorOptions> options,
    TimeProvider clock,
    IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    protected override bool EveryHandlerNeedsRecentSignIn => true;

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>Right after the first factor: the codes are made as the page opens.</summary>
    [BindProperty(SupportsGet = true)] public bool First { get; set; }
    [BindProperty] public string? Sealed { get; set; }

    public IReadOnlyList<string>? Codes { get; private set; }
    public string? SealedCodes { get; private set; }
    public TwoFactorState Factors { get; private set; } = null!;
    public int LowAt => options.Value.BackupCodesLowAt;

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("Threshold.BackupCodes.Download.v1").ToTimeLimitedDataProtector();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Factors = await methods.ForAccountAsync(Account, ct);
        // The first set comes with the first factor; a later visit only shows how many are left.
        if (First && Factors.IsOn && Factors.BackupCodesLeft == 0) await RenewAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Factors = await methods.ForAccountAsync(Account, ct);
        if (!Factors.IsOn)
        {
            Summary = Text["Backup codes come with two-step sign-in. Set up a method first."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await RenewAsync(ct);
        return Page();
    }

    /// <summary>The codes just shown, as a text file to keep.</summary>
    public async Task<IActionResult> OnPostDownloadAsync(CancellationToken ct)
    {
        string[]? codes = null;
        try
        {
            if (Sealed is { Length: > 0 and < 4096 })
                codes = JsonSerializer.Deserialize<string[]>(Protector.Unprotect(Sealed, out _));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException) { }
        if (codes is null)
        {
            Factors = await methods.ForAccountAsync(Account, ct);
            Summary = Text["The download is only available for a few minutes after the codes are shown. Get new codes to download them."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var file = new StringBuilder()
            .AppendLine(Text["Backup codes for {0} ({1})", threshold.Value.ServiceName, Account.UserName ?? ""])
            .AppendLine(Text["Made on {0}. Each code works once.", clock.GetUtcNow().ToString("yyyy-MM-dd")])
            .AppendLine();
        foreach (var code in codes) file.AppendLine(code);
        return File(Encoding.UTF8.GetBytes(file.ToString()), "text/plain; charset=utf-8", "backup-codes.txt");
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        Codes = await backupCodes.RenewAsync(Account, HttpContext.Client(), ct);
        SealedCodes = Protector.Protect(JsonSerializer.Serialize(Codes), TimeSpan.FromMinutes(10));
        Factors = await methods.ForAccountAsync(Account, ct);
    }
}
