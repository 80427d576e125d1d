using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Flows.Recovery;

namespace Threshold.Core.Factors;

/// <param name="Destination">Where a code goes, masked ("j•••@example.com"), for codes by text or email.</param>
public sealed record EnrolledMethod(SecondFactorKind Kind, string? Destination);

/// <summary>What an account can prove a sign-in with after its password.</summary>
public sealed record TwoFactorState(IReadOnlyList<EnrolledMethod> Methods, SecondFactorKind? Default, int BackupCodesLeft, int PasskeyCount)
{
    /// <summary>Two-step sign-in is on when any factor other than backup codes is enrolled.</summary>
    public bool IsOn => Default is not null;
    public bool Has(SecondFactorKind kind) => Methods.Any(m => m.Kind == kind);
    public EnrolledMethod? Find(SecondFactorKind kind) => Methods.FirstOrDefault(m => m.Kind == kind);
}

public sealed class TwoFactorMethods(IFactorStore store, IOptions<TwoFactorOptions> options)
{
    public async Task<TwoFactorState> ForAccountAsync(Account account, CancellationToken ct = default)
    {
        var methods = new List<EnrolledMethod>();
        var passkeys = (await store.PasskeysAsync(account.Id, ct)).Count;
        if (passkeys > 0) methods.Add(new(SecondFactorKind.SecurityKey, null));
        if (await store.ConfirmedTotpAsync(account.Id, ct) is not null) methods.Add(new(SecondFactorKind.Totp, null));
        // A channel the operator turned off no longer counts, even where it was enrolled before.
        if (options.Value.AllowSms && account is { SmsCodesEnabled: true, PhoneNumberConfirmed: true, PhoneNumber: { } phone })
            methods.Add(new(SecondFactorKind.Sms, Masking.Phone(phone)));
        if (options.Value.AllowEmail && account is { EmailCodesEnabled: true, EmailConfirmed: true, Email: { } email })
            methods.Add(new(SecondFactorKind.Email, Masking.Email(email)));

        SecondFactorKind? preferred = methods.Count == 0 ? null
            : methods.Any(m => m.Kind == account.PreferredSecondFactor) ? account.PreferredSecondFactor : methods[0].Kind;
        var backupLeft = methods.Count == 0 ? 0 : (await store.UnusedBackupCodesAsync(account.Id, ct)).Count;
        if (backupLeft > 0) methods.Add(new(SecondFactorKind.BackupCode, null));
        return new(methods, preferred, backupLeft, passkeys);
    }
}
