namespace Threshold.Core.Messaging;

public sealed partial class MessageComposer
{
    /// <summary>
    /// The code that proves a recovery email address. It names no account: the address was typed by
    /// someone else and may be a stranger's, who should not learn a username from it.
    /// </summary>
    public OutboxMessage RecoveryEmailConfirmation(string email, string code, int minutes, string reference) =>
        Email("confirm-recovery-email", email, reference,
            Format("ConfirmRecoveryEmailSubject", Options.ServiceName, code),
            Format("ConfirmRecoveryEmailBody", Options.ServiceName, code, minutes));
}
