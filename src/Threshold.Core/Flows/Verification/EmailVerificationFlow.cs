using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;

namespace Threshold.Core.Flows.Verification;

public enum VerificationStatus { Valid, Invalid, Expired, Used }

public sealed record VerificationPreview(VerificationStatus Status, string? Username);

public sealed record VerificationResult(VerificationStatus Status, Account? Account, bool SameBrowser, string ReferenceCode)
{
    public bool Verified => Status == VerificationStatus.Valid;
}

/// <summary>
/// The link from the welcome email. Opening it (GET) changes nothing, so mail scanners
/// that fetch links cannot use it up; the person confirms with a button (POST), once.
/// The browser that registered continues signed in; any other browser is only told.
/// </summary>
public enum ResendOutcome { Sent, AlreadyConfirmed, TooSoon }

public sealed record ResendResult(ResendOutcome Outcome, TimeSpan RetryAfter, string ReferenceCode);

public sealed class EmailVerificationFlow(
    IAccountStore accounts,
    ISecurityEventLog events,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    IOptions<ThresholdOptions> options,
    TimeProvider clock)
{
    /// <summary>One new link a minute at most, so the button cannot be used to flood a mailbox.</summary>
    public static readonly TimeSpan ResendCooldown = TimeSpan.FromSeconds(60);

    public async Task<VerificationPreview> PreviewAsync(string? token, CancellationToken ct = default)
    {
        var (status, verification) = await LookUpAsync(token, ct);
        if (status != VerificationStatus.Valid) return new(status, null);
        var account = await accounts.FindByIdAsync(verification!.AccountId, ct);
        return account is null ? new(VerificationStatus.Invalid, null) : new(status, account.UserName);
    }

    public async Task<VerificationResult> ConfirmAsync(string? token, string? browserBindingToken, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var (status, verification) = await LookUpAsync(token, ct);
        if (status != VerificationStatus.Valid) return new(status, null, false, reference);

        var account = await accounts.FindByIdAsync(verification!.AccountId, ct);
        // The address changed since the link was sent: the link no longer speaks for it.
        if (account is null || account.NormalizedEmail != verification.NormalizedEmail)
            return new(VerificationStatus.Invalid, null, false, reference);
        if (!await accounts.TryConsumeVerificationAsync(verification.Id, clock.GetUtcNow(), ct))
            return new(VerificationStatus.Used, null, false, reference);

        var sameBrowser = verification.BrowserBindingHash is { } expected &&
                          SecretToken.Parse(browserBindingToken) is { } binding &&
                          SecretToken.Hash(binding) == expected;
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.EmailVerified, clock.GetUtcNow(), client, reference, account.Id, account.Email), ct);
        return new(VerificationStatus.Valid, account, sameBrowser, reference);
    }

    /// <summary>A new link for the signed-in account's address; earlier links keep working until they expire.</summary>
    public async Task<ResendResult> ResendAsync(Guid accountId, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var account = await accounts.FindByIdAsync(accountId, ct);
        if (account is null || account.EmailConfirmed) return new(ResendOutcome.AlreadyConfirmed, TimeSpan.Zero, reference);
        var now = clock.GetUtcNow();
        if (await accounts.LatestVerificationAsync(accountId, ct) is { } latest && now - latest.CreatedAt < ResendCooldown)
            return new(ResendOutcome.TooSoon, ResendCooldown - (now - latest.CreatedAt), reference);

        var token = SecretToken.New();
        var verification = new EmailVerification
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            TokenHash = SecretToken.Hash(token),
            NormalizedEmail = account.NormalizedEmail!,
            CreatedAt = now,
            ExpiresAt = now + options.Value.VerificationLinkLifetime,
        };
        var message = messages.VerifyAgain(account.Email!, account.UserName!, options.Value.Link("verify-email?token=" + token), reference);
        await accounts.AddVerificationAsync(verification, [message], SecurityEvent.Of(SecurityEventKind.VerificationResent, now, client, reference, account.Id, account.Email), ct);
        outboxSignal.Notify();
        return new(ResendOutcome.Sent, TimeSpan.Zero, reference);
    }

    private async Task<(VerificationStatus, EmailVerification?)> LookUpAsync(string? token, CancellationToken ct)
    {
        if (SecretToken.Parse(token) is not { } parsed) return (VerificationStatus.Invalid, null);
        var verification = await accounts.FindVerificationAsync(SecretToken.Hash(parsed), ct);
        if (verification is null) return (VerificationStatus.Invalid, null);
        if (verification.UsedAt is not null) return (VerificationStatus.Used, verification);
        if (clock.GetUtcNow() >= verification.ExpiresAt) return (VerificationStatus.Expired, verification);
        return (VerificationStatus.Valid, verification);
    }
}
