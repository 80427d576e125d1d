namespace Threshold.Core.Messaging;

public sealed partial class MessageComposer
{
    /// <summary>
    /// To the owner, once per lock period: someone is failing to sign in (the latest attempt: when,
    /// from where); how to secure the account. The only link is "This wasn't me"; none signs in.
    /// </summary>
    public OutboxMessage SignInPaused(string email, string username, NoticeContext context, Uri notMeLink, string reference) =>
        Email("signin-paused", email, reference,
            Format("SignInPausedSubject", Options.ServiceName),
            Format("SignInPausedBody", username, Options.ServiceName, Details(context), new Uri(Options.PublicOrigin).Host, NotMe(notMeLink)),
            notMeLink);

    public OutboxMessage SignInPausedSms(string phone, string reference) =>
        Sms("signin-paused", phone, reference, Format("SignInPausedSms", Options.ServiceName, reference));
}
