using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.PasswordChange;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>Password, two-step sign-in methods, passkeys, backup codes and recovery info in one place.</summary>
public sealed class SecurityModel(
    PasswordChange passwordChange,
    PasswordPolicy policy,
    TwoFactorMethods methods,
    AuthenticatorApp authenticator,
    CodeChannels channels,
    IFactorStore factors,
    SecurityAlertsBySms smsAlerts,
    IOptions<TwoFactorOptions> twoFactorOptions,
    IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    [BindProperty] public PasswordChangeInput Input { get; set; } = new();
    /// <summary>The method a button acts on ("totp", "sms", "email").</summary>
    [BindProperty] public string? Method { get; set; }
    /// <summary>Set after a factor was added elsewhere (a change code such as "totp-added").</summary>
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    /// <summary>"Also send security alerts by text message", as posted.</summary>
    [BindProperty] public bool SmsAlerts { get; set; }
    public bool Changed { get; private set; }
    public int MinLength => policy.MinLength;
    public TwoFactorState Factors { get; private set; } = null!;
    public int BackupCodesLowAt => twoFactorOptions.Value.BackupCodesLowAt;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Done is not null) Notice = Text["Your change was saved. We sent a confirmation to your email address."];
        await LoadFactorsAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await passwordChange.ChangeAsync(new PasswordChangeRequest(
            Account.Id, Input.CurrentPassword, Input.NewPassword, HttpContext.CurrentSession()?.Id, HttpContext.Client(), Input.EndOtherSessions), ct);
        await LoadFactorsAsync(ct);
        if (!result.Changed)
        {
            Show(result.Problems, result.ReferenceCode, policy.MinLength, policy.MaxLength);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Changed = true;
        return Page();
    }

    /// <summary>Security alerts by text message too: a preference (no re-authentication), logged, only with a confirmed phone.</summary>
    public async Task<IActionResult> OnPostAlertsAsync(CancellationToken ct)
    {
        var (saved, reference) = await smsAlerts.SetAsync(Account, SmsAlerts, HttpContext.Client(), ct);
        if (saved) Account.SecurityAlertsBySms = SmsAlerts;
        await LoadFactorsAsync(ct);
        if (!saved)
        {
            Summary = Text["Add a phone number first: alerts by text message need a confirmed number."];
            Reference = reference;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = Text["Your alert settings were saved."];
        return Page();
    }

    /// <summary>Removes the authenticator app or turns codes by text or email off.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        if (RecentSignInRedirect() is { } redirect) return redirect;
        switch (SecondFactorKinds.Parse(Method))
        {
            case SecondFactorKind.Totp:
                await authenticator.RemoveAsync(Account, HttpContext.Client(), ct);
                break;
            case SecondFactorKind.Sms:
                await channels.TurnOffAsync(Account, MessageChannel.Sms, HttpContext.Client(), ct);
                break;
            case SecondFactorKind.Email:
                await channels.TurnOffAsync(Account, MessageChannel.Email, HttpContext.Client(), ct);
                break;
            default:
                return await BadMethodAsync(ct);
        }
        return LocalRedirect("/account/security?done=" + Uri.EscapeDataString(Method!.ToLowerInvariant() + "-removed"));
    }

    /// <summary>The method the second step asks for first.</summary>
    public async Task<IActionResult> OnPostDefaultAsync(CancellationToken ct)
    {
        await LoadFactorsAsync(ct);
        if (SecondFactorKinds.Parse(Method) is not { } kind || kind == SecondFactorKind.BackupCode || !Factors.Has(kind)) return await BadMethodAsync(ct);
        await factors.SetPreferredAsync(Account.Id, kind, ct);
        Account.PreferredSecondFactor = kind;
        await LoadFactorsAsync(ct);
        Notice = Text["Your default method was changed."];
        return Page();
    }

    private async Task<IActionResult> BadMethodAsync(CancellationToken ct)
    {
        await LoadFactorsAsync(ct);
        Summary = Text["That method is not set up for this account."];
        Reference = Core.Errors.ReferenceCode.New();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadFactorsAsync(CancellationToken ct) => Factors = await methods.ForAccountAsync(Account, ct);
}

public sealed class PasswordChangeInput
{
    public string? CurrentPassword { get; set; }
    public string? NewPassword { get; set; }
    /// <summary>The "Sign out other sessions" checkbox (value "true" when ticked).</summary>
    public bool SignOutOtherSessions { get; set; }
    /// <summary>Sent by the form beside the checkbox, so an unticked box is told apart from a post without one.</summary>
    public bool SessionChoiceShown { get; set; }

    /// <summary>Other sessions end unless the form's box was cleared: a post without the choice gets the safe default.</summary>
    public bool EndOtherSessions => SignOutOtherSessions || !SessionChoiceShown;
}
