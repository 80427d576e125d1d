using Threshold.Core.Accounts;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;

namespace Threshold.Core.Support.Verification;

/// <summary>
/// A contact already verified on the account, where an identity-check code can go. The form names
/// it by <see cref="Key"/>; the agent sees only <see cref="Masked"/>, never the address itself.
/// </summary>
public sealed record CheckContact(string Key, MessageChannel Channel, string Destination, string Masked)
{
    public const string Email = "email";
    public const string RecoveryEmail = "recovery-email";
    public const string Phone = "phone";

    /// <summary>The verified email, the verified recovery email and the confirmed phone, in that order; unverified ones are never offered.</summary>
    public static IReadOnlyList<CheckContact> Of(Account account)
    {
        var contacts = new List<CheckContact>();
        if (account is { EmailConfirmed: true, Email: { } email })
            contacts.Add(new(Email, MessageChannel.Email, email, Masking.Email(email)));
        if (account is { RecoveryEmail: { } recovery, RecoveryEmailVerifiedAt: not null })
            contacts.Add(new(RecoveryEmail, MessageChannel.Email, recovery, Masking.Email(recovery)));
        if (account is { PhoneNumberConfirmed: true, PhoneNumber: { } phone })
            contacts.Add(new(Phone, MessageChannel.Sms, phone, Masking.Phone(phone)));
        return contacts;
    }
}
