using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Core.Factors.OutOfBandCode;

public enum CodeSendOutcome { Sent, TooSoon }

public sealed record CodeSendResult(CodeSendOutcome Outcome, TimeSpan? RetryAfter = null);

public enum CodeCheckOutcome { Accepted, Malformed, Wrong, Expired, TooManyAttempts, NoCode }

public sealed record CodeCheck(CodeCheckOutcome Outcome, int AttemptsLeft = 0)
{
    public bool Accepted => Outcome == CodeCheckOutcome.Accepted;
}

/// <summary>
/// Six-digit codes by text message or email: valid for ten minutes, five wrong tries,
/// one new code a minute, bound to the browser's sign-in (or session) that asked.
/// </summary>
public sealed class OutOfBandCodes(
    IFactorStore store,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    IOptions<TwoFactorOptions> options,
    TimeProvider clock)
{
    private TwoFactorOptions Options => options.Value;
    public const int Digits = 6;

    public async Task<CodeSendResult> SendAsync(Account account, CodePurpose purpose, MessageChannel channel, string destination, string binding,
        ClientInfo client, string reference, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var latest = await store.LatestCodeAsync(account.Id, purpose, binding, ct);
        if (latest is not null && now - latest.CreatedAt < Options.CodeResendCooldown)
            return new(CodeSendOutcome.TooSoon, Options.CodeResendCooldown - (now - latest.CreatedAt));

        var code = new OneTimeCode
        {
            Id = Guid.NewGuid(), AccountId = account.Id, Purpose = purpose, Channel = channel, Destination = destination,
            CodeHash = "", Binding = binding, CreatedAt = now, ExpiresAt = now + Options.CodeLifetime,
        };
        var digits = DigitCodes.New(Digits);
        code.CodeHash = Hash(code.Id, digits);
        var minutes = (int)Math.Ceiling(Options.CodeLifetime.TotalMinutes);
        var message = (purpose, channel) switch
        {
            (CodePurpose.ConfirmPhone, _) => messages.PhoneConfirmationSms(destination, digits, minutes, reference),
            (CodePurpose.ConfirmRecoveryEmail, _) => messages.RecoveryEmailConfirmation(destination, digits, minutes, reference),
            (_, MessageChannel.Sms) => messages.SignInCodeSms(destination, digits, minutes, reference),
            _ => messages.SignInCodeEmail(destination, account.UserName!, digits, minutes, reference),
        };
        await store.AddCodeAsync(code, [message],
            SecurityEvent.Of(SecurityEventKind.CodeSent, now, client, reference, account.Id, account.UserName,
                channel.ToString().ToLowerInvariant()), ct);
        outboxSignal.Notify();
        return new(CodeSendOutcome.Sent);
    }

    public async Task<CodeCheck> CheckAsync(Guid accountId, CodePurpose purpose, string binding, string? typed, CancellationToken ct = default)
    {
        var digits = Normalize(typed);
        if (digits is null) return new(CodeCheckOutcome.Malformed);
        var code = await store.LatestCodeAsync(accountId, purpose, binding, ct);
        if (code is null || code.UsedAt is not null) return new(CodeCheckOutcome.NoCode);
        if (clock.GetUtcNow() >= code.ExpiresAt) return new(CodeCheckOutcome.Expired);
        if (await store.TryCountCodeAttemptAsync(code.Id, Options.MaxCodeAttempts, ct) is not { } attempts)
            return new(CodeCheckOutcome.TooManyAttempts);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(code.Id, digits)), Encoding.ASCII.GetBytes(code.CodeHash)))
        {
            var left = Options.MaxCodeAttempts - attempts;
            return left <= 0 ? new(CodeCheckOutcome.TooManyAttempts) : new(CodeCheckOutcome.Wrong, left);
        }
        return await store.TryUseCodeAsync(code.Id, clock.GetUtcNow(), ct) ? new(CodeCheckOutcome.Accepted) : new(CodeCheckOutcome.NoCode);
    }

    /// <summary>Spaces and dashes are fine; exactly six digits otherwise.</summary>
    public static string? Normalize(string? typed) => DigitCodes.Normalize(typed, Digits);

    /// <summary>Codes are short, so the code's id salts the hash.</summary>
    internal static string Hash(Guid id, string digits) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id.ToString("N") + ":" + digits)));
}
