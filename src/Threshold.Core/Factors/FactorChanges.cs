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
public sealed class FactorChanges(MessageComposer messages, TimeProvider clock)
{
    /// <param name="change">A change code such as "totp-added" (MessageText has a sentence for each).</param>
    /// <param name="newPhone">A number confirmed by this change is told too.</param>
    /// <param name="newEmail">An address confirmed by this change is told too.</param>
    public FactorChangeRecord Describe(Account account, string change, SecurityEventKind kind, ClientInfo client, string reference, string? newPhone = null,
        string? newEmail = null)
    {
        var now = clock.GetUtcNow();
        var outgoing = new List<OutboxMessage>();
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (account is { Email: { } email, EmailConfirmed: true }) emails.Add(email);
        if (account is { RecoveryEmail: { } recovery, RecoveryEmailVerifiedAt: not null }) emails.Add(recovery);
        if (newEmail is not null) emails.Add(newEmail);
        foreach (var address in emails)
            outgoing.Add(messages.SecurityChanged(address, account.UserName!, change, now, reference));
        var phones = new HashSet<string>();
        if (account is { PhoneNumberConfirmed: true, PhoneNumber: { } phone }) phones.Add(phone);
        if (newPhone is not null) phones.Add(newPhone);
        foreach (var number in phones)
            outgoing.Add(messages.SecurityChangedSms(number, change, reference));
        return new(outgoing, SecurityEvent.Of(kind, now, client, reference, account.Id, account.UserName, change));
    }
}
