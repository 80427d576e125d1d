using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Accounts.RecoveryInfo;

/// <summary>
/// "Also send security alerts by text message": a preference, only with a confirmed phone.
/// It needs no re-authentication (it sends nothing anywhere new: the number was proven), but
/// every change of it is written to the account's log.
/// </summary>
public sealed class SecurityAlertsBySms(IAccountStore accounts, TimeProvider clock)
{
    /// <returns>False when it was to be turned on without a confirmed phone (nothing changed).</returns>
    public async Task<(bool Saved, string ReferenceCode)> SetAsync(Account account, bool on, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (on && !RecoveryPhoneChange.HasPhone(account)) return (false, reference);
        if (account.SecurityAlertsBySms == on) return (true, reference);
        var saved = await accounts.SetSecurityAlertsBySmsAsync(account.Id, on,
            SecurityEvent.Of(SecurityEventKind.RecoveryInfoChanged, clock.GetUtcNow(), client, reference, account.Id, account.UserName,
                on ? "sms-alerts-on" : "sms-alerts-off"), ct);
        return (saved, reference);
    }
}
