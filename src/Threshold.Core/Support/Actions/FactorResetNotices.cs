using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Messaging;
using Threshold.Core.Support.Verification;

namespace Threshold.Core.Support.Actions;

/// <summary>
/// Who hears of a two-step reset: every verified contact of the account (the email address, the
/// recovery email, the confirmed phone). Asked for: what was asked, when it takes effect, and the
/// "Cancel this reset" link. Completed: the usual security notice, with its "This wasn't me" link.
/// </summary>
public sealed class FactorResetNotices(MessageComposer composer, SecurityNotices notices, IOptions<ThresholdOptions> options)
{
    public const string CancelPath = "account/cancel-two-step-reset";
    public const string CompletedChange = "support-two-step-reset";

    /// <returns>The messages, and where they go (masked, for the agent).</returns>
    public (IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<string> SentTo) Scheduled(Account account, FactorReset reset, string cancelToken,
        string reference)
    {
        var link = options.Value.Link(CancelPath + "?token=" + cancelToken);
        var contacts = CheckContact.Of(account);
        var messages = contacts.Select(c => c.Channel == MessageChannel.Sms
            ? composer.TwoStepResetScheduledSms(c.Destination, reset.DueAt, link, reference)
            : composer.TwoStepResetScheduled(c.Destination, account.UserName ?? c.Destination, reset.RequestedAt, reset.DueAt, link, reference)).ToList();
        return (messages, contacts.Select(c => c.Masked).ToList());
    }

    public IReadOnlyList<OutboxMessage> Completed(Account account, DateTimeOffset at, string reference) =>
        notices.SecurityChanged(account, CompletedChange, Activity.ClientInfo.Unknown, at, reference);
}
