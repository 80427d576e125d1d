using System.Globalization;

namespace Threshold.Core.Messaging;

public sealed partial class MessageComposer
{
    /// <summary>"Your account was deleted": when, and what to do if it was not them. No link: there is nothing left to sign in to.</summary>
    public OutboxMessage AccountDeleted(string email, string username, DateTimeOffset at, string reference) =>
        Email("account-deleted", email, reference,
            Format("AccountDeletedSubject", Options.ServiceName),
            Format("AccountDeletedBody", username, Options.ServiceName, at.ToString("f", CultureInfo.CurrentCulture) + " UTC",
                new Uri(Options.PublicOrigin).Host));

    public OutboxMessage AccountDeletedSms(string phone, string reference) =>
        Sms("account-deleted", phone, reference, Format("AccountDeletedSms", Options.ServiceName, reference));
}
