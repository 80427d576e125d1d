namespace Threshold.Core.Messaging;

/// <summary>
/// What a support agent's work sends the customer: the identity-check code, a reset link the agent
/// asked for, and the notice of a two-step reset that waits and can be cancelled.
/// </summary>
public sealed partial class MessageComposer
{
    /// <summary>The code the customer reads back to the agent; it says when to read it out and that support never asks for a password.</summary>
    public OutboxMessage SupportCheckEmail(string email, string username, string code, int minutes, string reference) =>
        Email("support-check", email, reference,
            Format("SupportCheckSubject", Options.ServiceName),
            Format("SupportCheckBody", username, Options.ServiceName, code, minutes));

    public OutboxMessage SupportCheckSms(string phone, string code, int minutes, string reference) =>
        Sms("support-check", phone, reference, Format("SupportCheckSms", Options.ServiceName, code, minutes, reference));

    /// <summary>The same single-use reset link as "Forgot password?", in words that say our support team sent it on request.</summary>
    public OutboxMessage PasswordResetLinkFromSupport(string email, string username, Uri link, int minutes, string reference) =>
        Email("password-reset", email, reference,
            Format("SupportPasswordResetSubject", Options.ServiceName),
            Format("SupportPasswordResetBody", username, Options.ServiceName, link, minutes),
            link);

    /// <summary>A two-step reset was asked for: when it takes effect, and the one link, "Cancel this reset" (it signs nobody in).</summary>
    public OutboxMessage TwoStepResetScheduled(string email, string username, DateTimeOffset requestedAt, DateTimeOffset dueAt, Uri cancelLink,
        string reference) =>
        Email("two-step-reset-scheduled", email, reference,
            Format("TwoStepResetScheduledSubject", Options.ServiceName),
            Format("TwoStepResetScheduledBody", username, Options.ServiceName, When(requestedAt), When(dueAt), cancelLink, new Uri(Options.PublicOrigin).Host),
            cancelLink);

    /// <summary>
    /// The text message carries the cancel link as well: whoever fooled an agent may control the
    /// mailbox, and the phone may be the owner's only way to hear of it in time.
    /// </summary>
    public OutboxMessage TwoStepResetScheduledSms(string phone, DateTimeOffset dueAt, Uri cancelLink, string reference) =>
        Sms("two-step-reset-scheduled", phone, reference, Format("TwoStepResetScheduledSms", Options.ServiceName, When(dueAt), cancelLink, reference));
}
