using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;

namespace Threshold.Core.Factors.OutOfBandCode;

public enum PhoneSetupOutcome { CodeSent, InvalidNumber, TooSoon, Confirmed, WrongCode, CodeExpired, NotOffered }

public sealed record PhoneSetupResult(PhoneSetupOutcome Outcome, string ReferenceCode, TimeSpan? RetryAfter = null, int AttemptsLeft = 0);

/// <summary>
/// Codes by text message or email as a second factor. Only a verified address or a
/// confirmed number can receive them: a new number is proven by a code first.
/// </summary>
public sealed class CodeChannels(IFactorStore store, OutOfBandCodes codes, FactorChanges changes, IOptions<TwoFactorOptions> options, TimeProvider clock)
{
    /// <summary>Email codes need a verified address.</summary>
    public async Task<bool> TurnOnEmailAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        if (!options.Value.AllowEmail || !account.EmailConfirmed || account.Email is null) return false;
        await store.SetCodeChannelAsync(account.Id, MessageChannel.Email, true,
            changes.Describe(account, "email-on", SecurityEventKind.FactorEnrolled, client, ReferenceCode.New()), ct);
        return true;
    }

    /// <summary>Text-message codes to the number already confirmed on the account.</summary>
    public async Task<bool> TurnOnSmsAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        if (!options.Value.AllowSms || !account.PhoneNumberConfirmed || account.PhoneNumber is null) return false;
        await store.SetCodeChannelAsync(account.Id, MessageChannel.Sms, true,
            changes.Describe(account, "sms-on", SecurityEventKind.FactorEnrolled, client, ReferenceCode.New()), ct);
        return true;
    }

    public Task TurnOffAsync(Account account, MessageChannel channel, ClientInfo client, CancellationToken ct = default) =>
        store.SetCodeChannelAsync(account.Id, channel, false,
            changes.Describe(account, channel == MessageChannel.Sms ? "sms-off" : "email-off", SecurityEventKind.FactorRemoved, client, ReferenceCode.New()), ct);

    /// <summary>Sends a code to a new number, bound to this session.</summary>
    public async Task<PhoneSetupResult> SendPhoneCodeAsync(Account account, string? typedNumber, string sessionBinding, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (!options.Value.AllowSms) return new(PhoneSetupOutcome.NotOffered, reference);
        if (PhoneNumberText.ToE164(typedNumber) is not { } e164) return new(PhoneSetupOutcome.InvalidNumber, reference);
        var sent = await codes.SendAsync(account, CodePurpose.ConfirmPhone, MessageChannel.Sms, e164, sessionBinding + ":" + e164, client, reference, ct);
        return sent.Outcome == CodeSendOutcome.Sent
            ? new(PhoneSetupOutcome.CodeSent, reference)
            : new(PhoneSetupOutcome.TooSoon, reference, sent.RetryAfter);
    }

    /// <summary>The code from the text message: confirms the number and turns text-message codes on.</summary>
    public async Task<PhoneSetupResult> ConfirmPhoneAsync(Account account, string? typedNumber, string? code, string sessionBinding, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        if (PhoneNumberText.ToE164(typedNumber) is not { } e164) return new(PhoneSetupOutcome.InvalidNumber, reference);
        var check = await codes.CheckAsync(account.Id, CodePurpose.ConfirmPhone, sessionBinding + ":" + e164, code, ct);
        switch (check.Outcome)
        {
            case CodeCheckOutcome.Accepted:
                await store.ConfirmPhoneAsync(account.Id, e164, clock.GetUtcNow(),
                    changes.Describe(account, "sms-on", SecurityEventKind.FactorEnrolled, client, reference, newPhone: e164), ct);
                return new(PhoneSetupOutcome.Confirmed, reference);
            case CodeCheckOutcome.Wrong or CodeCheckOutcome.Malformed:
                return new(PhoneSetupOutcome.WrongCode, reference, AttemptsLeft: check.AttemptsLeft);
            default:
                return new(PhoneSetupOutcome.CodeExpired, reference);
        }
    }
}
