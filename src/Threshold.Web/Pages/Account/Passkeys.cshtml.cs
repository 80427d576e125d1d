using System.Buffers.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Factors;
using Threshold.Core.Factors.Passkeys;
using Threshold.Core.Sessions;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>Passkeys and security keys: add several, name them, remove them.</summary>
public sealed class PasskeysModel(
    PasskeyChanges changes,
    PasskeyCeremonies ceremonies,
    ISessionStore sessions,
    TwoFactorMethods methods,
    IFactorStore factors,
    IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    protected override bool EveryHandlerNeedsRecentSignIn => true;

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Credential { get; set; }
    [BindProperty] public string? CredentialId { get; set; }

    public IReadOnlyList<PasskeySummary> Passkeys { get; private set; } = [];

    public static string Id(PasskeySummary passkey) => Base64Url.EncodeToString(passkey.CredentialId);

    public async Task OnGetAsync(CancellationToken ct) => Passkeys = await factors.PasskeysAsync(Account.Id, ct);

    /// <summary>The browser's answer to the challenge from /passkeys/creation-options.</summary>
    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var state = HttpContext.CurrentSession() is { } session ? await sessions.TakePasskeyStateAsync(session.Id, ct) : null;
        var attestation = state is null ? null : await ceremonies.AttestAsync(Credential, state, HttpContext);
        if (attestation is not { Succeeded: true })
            return await FailAsync(Text["The passkey was not added. Try again; if your browser asks, choose where to save it."], ct);
        if ((await factors.PasskeysAsync(Account.Id, ct)).Any(p => p.CredentialId.AsSpan().SequenceEqual(attestation.Passkey.CredentialId)))
            return await FailAsync(Text["That passkey is already on your account."], ct);
        var wasOff = !(await methods.ForAccountAsync(Account, ct)).IsOn;
        await changes.AddAsync(Account, attestation.Passkey, Name, HttpContext.Client(), ct);
        return LocalRedirect(FactorAdded.Next(wasOff, "passkey-added", ReturnUrl));
    }

    public async Task<IActionResult> OnPostRenameAsync(CancellationToken ct)
    {
        if (Parse(CredentialId) is not { } id || !await changes.RenameAsync(Account, id, Name, ct))
        {
            FieldErrors["Name"] = Text["Give the passkey a name of 1 to 50 characters."];
            return await FailAsync(Text["Please correct the following and try again."], ct);
        }
        Notice = Text["The passkey was renamed."];
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        if (Parse(CredentialId) is not { } id || !await changes.RemoveAsync(Account, id, HttpContext.Client(), ct))
            return await FailAsync(Text["That passkey is not on your account."], ct);
        Notice = Text["The passkey was removed. Remove it from your device or password manager too."];
        return await ShowAsync(ct);
    }

    private static byte[]? Parse(string? id)
    {
        if (id is not { Length: > 0 and <= 1400 }) return null;
        try { return Base64Url.DecodeFromChars(id); }
        catch (FormatException) { return null; }
    }

    private async Task<IActionResult> FailAsync(string summary, CancellationToken ct)
    {
        Summary = summary;
        Reference = Core.Errors.ReferenceCode.New();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Passkeys = await factors.PasskeysAsync(Account.Id, ct);
        return Page();
    }
}
