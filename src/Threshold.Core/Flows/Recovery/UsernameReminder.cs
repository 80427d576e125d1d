using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;

namespace Threshold.Core.Flows.Recovery;

public sealed record UsernameReminderRequest(string? Contact, ClientInfo Client);

/// <summary>Either what is wrong with the form, or accepted: the same answer whether or not an account matched.</summary>
public sealed record UsernameReminderResult(IReadOnlyList<FieldProblem> Problems, string ReferenceCode)
{
    public bool Accepted => Problems.Count == 0;
}

/// <summary>
/// "Forgot username?": sends the username(s) to the email address or confirmed phone
/// number on file. The page never says whether anything matched; the mailbox or phone
/// does. At most <see cref="MaxPerAccountPerHour"/> reminders an hour per account, so the
/// form cannot be used to flood someone.
/// </summary>
public sealed class UsernameReminder(
    IAccountStore accounts,
    ISecurityEventLog events,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    TimeProvider clock)
{
    public const int MaxPerAccountPerHour = 3;

    public async Task<UsernameReminderResult> RequestAsync(UsernameReminderRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var contact = Identifiers.Clean(request.Contact);
        IReadOnlyList<Account> matches;
        MessageChannel channel;
        if (PhoneNumberText.LooksLikePhone(contact))
        {
            if (PhoneNumberText.ToE164(contact) is not { } phone) return Problem("contact.phone_invalid", reference);
            matches = await accounts.FindByConfirmedPhoneAsync(phone, ct);
            channel = MessageChannel.Sms;
        }
        else
        {
            if (Identifiers.CheckEmail(contact) is { } problem)
                return Problem(problem == IdentifierProblem.Missing ? "contact.missing" : "contact.invalid", reference);
            matches = await accounts.FindByIdentifierAsync(Identifiers.Normalize(contact), ct) is { } account && account.NormalizedEmail == Identifiers.Normalize(contact)
                ? [account] : [];
            channel = MessageChannel.Email;
        }

        if (matches.Count == 0)
        {
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.UsernameReminderUnknown, clock.GetUtcNow(), request.Client, reference, null, contact), ct);
            return new([], reference);
        }

        var now = clock.GetUtcNow();
        var owner = matches[0];
        if (await events.CountAsync(owner.Id, SecurityEventKind.UsernameReminderSent, now.AddHours(-1), ct) >= MaxPerAccountPerHour)
        {
            await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.UsernameReminderSuppressed, clock.GetUtcNow(), request.Client, reference, owner.Id, contact), ct);
            return new([], reference);
        }
        var usernames = matches.Select(a => a.UserName!).ToList();
        var message = channel == MessageChannel.Email
            ? messages.UsernameReminder(owner.Email!, usernames, reference)
            : messages.UsernameReminderSms(owner.PhoneNumber!, usernames, reference);
        await accounts.RecordAsync([message], SecurityEvent.Of(SecurityEventKind.UsernameReminderSent, clock.GetUtcNow(), request.Client, reference, owner.Id, contact), ct);
        outboxSignal.Notify();
        return new([], reference);
    }

    private static UsernameReminderResult Problem(string code, string reference) => new([new FieldProblem("Contact", code)], reference);

}
