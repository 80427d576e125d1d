using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;

namespace Threshold.Core.Accounts.Data;

/// <param name="Understood">The owner ticked "I understand this cannot be undone".</param>
public sealed record AccountDeletionRequest(Account Account, bool Understood, ClientInfo Client);

public sealed record AccountDeletionResult(IReadOnlyList<FieldProblem> Problems, string ReferenceCode)
{
    public bool Deleted => Problems.Count == 0;
}

/// <summary>
/// "Delete your account": after a recent sign-in (the page checks it) and an explicit confirmation,
/// the account and everything it owns go in one transaction, every session ends with it, and a
/// notice goes to each verified address (and by text message when the owner chose security alerts
/// there), in case it was not them. What outlives the account: the notices, one audit event, and
/// support requests (without the link to the account).
/// </summary>
public sealed class AccountDeletion(IAccountDataStore store, MessageComposer messages, OutboxSignal outboxSignal, TimeProvider clock)
{
    public async Task<AccountDeletionResult> DeleteAsync(AccountDeletionRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (!request.Understood) return new([new FieldProblem("Understood", "account_deletion.not_confirmed")], reference);

        var account = request.Account;
        var now = clock.GetUtcNow();
        // The event keeps who and from where, so support can answer "was my account deleted, and by whom?".
        var deleted = SecurityEvent.Of(SecurityEventKind.AccountDeleted, now, request.Client, reference, account.Id, account.UserName);
        // False: a second press raced the first, which deleted it and sent the notices; gone is what was asked.
        if (await store.DeleteAccountAsync(account.Id, Notices(account, now, reference), deleted, ct))
            outboxSignal.Notify();
        return new([], reference);
    }

    /// <summary>Only to addresses the owner proved are theirs: an unverified one may be someone else's.</summary>
    private List<OutboxMessage> Notices(Account account, DateTimeOffset at, string reference)
    {
        var username = account.UserName ?? "";
        var notices = new List<OutboxMessage>();
        if (account is { EmailConfirmed: true, Email: { Length: > 0 } email })
            notices.Add(messages.AccountDeleted(email, username, at, reference));
        if (account is { RecoveryEmailVerifiedAt: not null, RecoveryEmail: { Length: > 0 } recovery }
            && !string.Equals(recovery, account.Email, StringComparison.OrdinalIgnoreCase))
            notices.Add(messages.AccountDeleted(recovery, username, at, reference));
        if (account is { SecurityAlertsBySms: true, PhoneNumberConfirmed: true, PhoneNumber: { Length: > 0 } phone })
            notices.Add(messages.AccountDeletedSms(phone, reference));
        return notices;
    }
}
