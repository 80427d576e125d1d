namespace Threshold.Core.Messaging;

public sealed partial class MessageComposer
{
    /// <summary>To the owner, once per lock period: someone is failing to sign in; how to secure the account. No link.</summary>
    public OutboxMessage SignInPaused(string email, string username, string reference) =>
        Email("signin-paused", email, reference,
            Format("SignInPausedSubject", Options.ServiceName),
            Format("SignInPausedBody", username, Options.ServiceName, new Uri(Options.PublicOrigin).Host));
}
