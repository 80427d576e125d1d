using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Messaging;

namespace Threshold.Core.Accounts.RecoveryInfo;

/// <summary>
/// The account's phone number as a way back in ("Forgot password?" and "Forgot username?" by
/// text message). A number counts only once the code texted to it is typed back in the same
/// session; confirming it here does not turn on sign-in codes by text message (a separate,
/// weaker second factor), but when they are on they follow the number. Removing the number
/// turns those codes and text-message alerts off. The old and the new number are told.
/// </summary>
public sealed class RecoveryPhoneChange(IFactorStore factors, OutOfBandCodes codes, FactorChanges changes, OutboxSignal outboxSignal, TimeProvider clock)
{
    public const string Field = "PhoneNumber";

    public async Task<RecoveryChangeResult> SendCodeAsync(Account account, string? typed, string sessionBinding, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (ProblemWith(account, typed, out var e164) is { } problem) return RecoveryChangeResult.Invalid(reference, Field, problem);
        var sent = await codes.SendAsync(account, CodePurpose.ConfirmPhone, MessageChannel.Sms, e164, Binding(sessionBinding, e164), client, reference, ct);
        return sent.Outcome == CodeSendOutcome.Sent
            ? new(RecoveryChangeOutcome.CodeSent, reference, [], e164)
            : new(RecoveryChangeOutcome.TooSoon, reference, [], e164, sent.RetryAfter);
    }

    /// <summary>The code from the text message: the number becomes the account's phone, replacing any earlier one.</summary>
    public async Task<RecoveryChangeResult> ConfirmAsync(Account account, string? typed, string? code, string sessionBinding, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (ProblemWith(account, typed, out var e164) is { } problem) return RecoveryChangeResult.Invalid(reference, Field, problem);
        var check = await codes.CheckAsync(account.Id, CodePurpose.ConfirmPhone, Binding(sessionBinding, e164), code, ct);
        if (!check.Accepted) return RecoveryChangeResult.NotAccepted(check, reference, e164);

        var change = changes.Describe(account, HasPhone(account) ? "recovery-phone-changed" : "recovery-phone-added",
            SecurityEventKind.RecoveryInfoChanged, client, reference, newPhone: e164);
        await factors.SetPhoneAsync(account.Id, e164, clock.GetUtcNow(), change, ct);
        outboxSignal.Notify();
        return new(RecoveryChangeOutcome.Saved, reference, [], e164);
    }

    /// <summary>Takes the number off the account, with text-message codes and alerts; the number is told.</summary>
    public async Task<RecoveryChangeResult> RemoveAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (account.PhoneNumber is null) return new(RecoveryChangeOutcome.NothingToRemove, reference, []);
        var change = changes.Describe(account, "recovery-phone-removed", SecurityEventKind.RecoveryInfoChanged, client, reference);
        if (!await factors.RemovePhoneAsync(account.Id, clock.GetUtcNow(), change, ct)) return new(RecoveryChangeOutcome.NothingToRemove, reference, []);
        outboxSignal.Notify();
        return new(RecoveryChangeOutcome.Saved, reference, [], account.PhoneNumber);
    }

    public static bool HasPhone(Account account) => account is { PhoneNumberConfirmed: true, PhoneNumber: not null };

    private static string? ProblemWith(Account account, string? typed, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(typed)) return "phone.missing";
        if (PhoneNumberText.ToE164(Identifiers.Clean(typed)) is not { } parsed) return "phone.invalid";
        e164 = parsed;
        return HasPhone(account) && account.PhoneNumber == parsed ? "phone.unchanged" : null;
    }

    private static string Binding(string sessionBinding, string e164) => RecoveryCodeBinding.For(sessionBinding, "phone", e164);
}
