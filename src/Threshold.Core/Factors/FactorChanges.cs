using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Core.Factors;

/// <summary>
/// Every change to how someone signs in or gets back in is told to each verified contact of
/// the account (the email address, the verified recovery email, the confirmed phone), and
/// written to the event log with its reference. The account is read before the change, so
/// a contact being replaced or removed is told too; the new one is passed in.
/// </summary>
public sealed class FactorChanges(SecurityNotices notices, TimeProvider clock)
{
    /// <param name="change">A change code such as "totp-added" (MessageText has a sentence for each).</param>
    /// <param name="newPhone">A number confirmed by this change is told too.</param>
    /// <param name="newEmail">An address confirmed by this change is told too.</param>
    public FactorChangeRecord Describe(Account account, string change, SecurityEventKind kind, ClientInfo client, string reference, string? newPhone = null,
        string? newEmail = null)
    {
        var now = clock.GetUtcNow();
        return new(notices.SecurityChanged(account, change, client, now, reference, newPhone,
                newEmail is null ? null : [newEmail]),
            SecurityEvent.Of(kind, now, client, reference, account.Id, account.UserName, change));
    }
}
