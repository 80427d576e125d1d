using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.NotMe;

namespace Threshold.Core.Messaging;

/// <summary>
/// Who is told about a security event, and with what. Every notice goes to each verified
/// contact of the account: the verified email address and the verified recovery email, each
/// with a "This wasn't me" link naming the account and the notice's reference; and by text to
/// the confirmed phone — always for changes to how the account is protected (password,
/// two-step sign-in, recovery info, as before), and for sign-in alerts (new sign-in, sign-in
/// paused) when the owner chose alerts by text (<see cref="Account.SecurityAlertsBySms"/>).
/// </summary>
public sealed class SecurityNotices(MessageComposer composer, NotMeLinks links)
{
    public IReadOnlyList<OutboxMessage> NewSignIn(Account account, SignInNovelty novelty, ClientInfo client, DateTimeOffset at, string reference)
    {
        var context = new NoticeContext(at, client);
        var link = links.Link(account.Id, reference);
        return
        [
            .. Emails(account, primaryEvenUnverified: false).Select(email => composer.NewSignIn(email, Name(account), novelty, context, link, reference)),
            .. Phones(account, always: false).Select(phone => composer.NewSignInSms(phone, context, reference)),
        ];
    }

    /// <summary>
    /// The password was changed or reset. The account's email address is told even before it is
    /// verified (as it always was): it is the address on file, and the owner must hear of this.
    /// </summary>
    public IReadOnlyList<OutboxMessage> PasswordChanged(Account account, ClientInfo client, DateTimeOffset at, string reference)
    {
        var context = new NoticeContext(at, client);
        var link = links.Link(account.Id, reference);
        return
        [
            .. Emails(account, primaryEvenUnverified: true).Select(email => composer.PasswordChanged(email, Name(account), context, link, reference)),
            .. Phones(account, always: true).Select(phone => composer.PasswordChangedSms(phone, reference)),
        ];
    }

    /// <param name="change">A change code such as "totp-added" (MessageText has a sentence for each).</param>
    /// <param name="newPhone">A number confirmed by this change is told too.</param>
    /// <param name="alsoEmails">Addresses told besides the verified ones (an address just replaced, for example).</param>
    public IReadOnlyList<OutboxMessage> SecurityChanged(Account account, string change, ClientInfo client, DateTimeOffset at, string reference,
        string? newPhone = null, IEnumerable<string>? alsoEmails = null)
    {
        var context = new NoticeContext(at, client);
        var link = links.Link(account.Id, reference);
        var emails = Emails(account, primaryEvenUnverified: false).Concat(alsoEmails ?? []).Distinct(StringComparer.OrdinalIgnoreCase);
        var phones = Phones(account, always: true).Concat(newPhone is null ? [] : [newPhone]).Distinct(StringComparer.Ordinal);
        return
        [
            .. emails.Select(email => composer.SecurityChanged(email, Name(account), change, context, link, reference)),
            .. phones.Select(phone => composer.SecurityChangedSms(phone, change, reference)),
        ];
    }

    /// <summary>Someone keeps typing a wrong password; sign-in from new devices is paused.</summary>
    public IReadOnlyList<OutboxMessage> SignInPaused(Account account, ClientInfo client, DateTimeOffset at, string reference)
    {
        var context = new NoticeContext(at, client);
        var link = links.Link(account.Id, reference);
        return
        [
            .. Emails(account, primaryEvenUnverified: false).Select(email => composer.SignInPaused(email, Name(account), context, link, reference)),
            .. Phones(account, always: false).Select(phone => composer.SignInPausedSms(phone, reference)),
        ];
    }

    private static string Name(Account account) => account.UserName ?? account.Email ?? "";

    private static IEnumerable<string> Emails(Account account, bool primaryEvenUnverified)
    {
        var emails = new List<string>();
        if (account.Email is { } email && (account.EmailConfirmed || primaryEvenUnverified)) emails.Add(email);
        if (account is { RecoveryEmail: { } recovery, RecoveryEmailVerifiedAt: not null } && !emails.Contains(recovery, StringComparer.OrdinalIgnoreCase))
            emails.Add(recovery);
        return emails;
    }

    private static IEnumerable<string> Phones(Account account, bool always) =>
        account is { PhoneNumberConfirmed: true, PhoneNumber: { } phone } && (always || account.SecurityAlertsBySms) ? [phone] : [];
}
