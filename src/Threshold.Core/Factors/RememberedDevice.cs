using Threshold.Core.Accounts;

namespace Threshold.Core.Factors;

/// <summary>
/// "Remember this device": what the signed cookie says. It is bound to the account's
/// security stamp, so a password change or reset (and "sign out everywhere") forgets
/// every remembered device at once.
/// </summary>
public sealed record RememberedDevice(Guid AccountId, string SecurityStamp, DateTimeOffset ExpiresAt)
{
    public bool Covers(Account account, DateTimeOffset now) =>
        account.Id == AccountId && now < ExpiresAt && !string.IsNullOrEmpty(account.SecurityStamp) && account.SecurityStamp == SecurityStamp;
}
