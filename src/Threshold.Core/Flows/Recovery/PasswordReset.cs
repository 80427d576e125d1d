using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Secrets;

namespace Threshold.Core.Flows.Recovery;

/// <summary>
/// "Forgot password?": a single-use link by email (to the sign-in address and the verified
/// recovery email, which also finds the account when typed) or a code by text message. The
/// request answers the same, after the same work, whether or not an account matched
/// (a decoy ticket stands in for a missing account). Completing it sets the new
/// password only if the ticket is unused, unexpired and no password change happened
/// since; every session of the account ends and every confirmed contact is told.
/// </summary>
public sealed class PasswordReset(
    IAccountStore accounts,
    IRecoveryStore tickets,
    IPasswordHasher<Account> hasher,
    PasswordPolicy policy,
    PasswordReuse reuse,
    MessageComposer messages,
    SecurityNotices notices,
    OutboxSignal outboxSignal,
    IOptions<RecoveryOptions> recoveryOptions,
    IOptions<PasswordSettings> passwordSettings,
    IOptions<ThresholdOptions> thresholdOptions,
    TimeProvider clock)
{
    private RecoveryOptions Options => recoveryOptions.Value;

    public async Task<ResetRequestResult> RequestAsync(ResetRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var typed = Identifiers.Clean(request.Identifier);
        if (typed.Length == 0)
            return new(ResetRequestOutcome.Invalid, MessageChannel.Email, reference, [new("Identifier", "identifier.missing")]);
        var byPhone = PhoneNumberText.LooksLikePhone(typed);
        var key = RequestKeyOf(byPhone ? PhoneNumberText.ToE164(typed) ?? Identifiers.Normalize(typed) : Identifiers.Normalize(typed));

        var now = clock.GetUtcNow();
        if (await RetryAfterAsync(key, now, ct) is { } wait)
            return new(ResetRequestOutcome.TooSoon, MessageChannel.Email, reference, [], wait);

        var account = await FindAsync(typed, byPhone, key, ct);
        var hasPhone = account is { PhoneNumberConfirmed: true, PhoneNumber: not null };
        MessageChannel channel;
        if (byPhone) channel = MessageChannel.Sms;
        else if (Identifiers.LooksLikeEmail(typed)) channel = MessageChannel.Email;
        else if (account is not null && hasPhone && request.Channel is null)
            return new(ResetRequestOutcome.ChooseChannel, MessageChannel.Email, reference, [],
                MaskedEmail: Masking.Email(account.Email!), MaskedPhone: Masking.Phone(account.PhoneNumber!));
        else channel = request.Channel ?? MessageChannel.Email;
        if (channel == MessageChannel.Sms && !hasPhone && !byPhone) channel = MessageChannel.Email;

        // The same queries whether or not an account matched, so timing tells nothing either.
        var destination = account is null ? null : channel == MessageChannel.Sms ? account.PhoneNumber : account.Email;
        if (await tickets.CountToDestinationAsync(destination ?? key, now.AddHours(-1), ct) >= Options.MaxPerHour)
            account = null; // this inbox or phone had enough: answer the same, send nothing

        await IssueAsync(account, channel, key, typed, request, reference, now, ct);
        return new(ResetRequestOutcome.Sent, channel, reference, []);
    }

    /// <summary>Checks a link without using it (mail scanners fetch links; a GET changes nothing).</summary>
    public async Task<ResetLinkPreview> PreviewLinkAsync(string? token, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var (status, _, account) = await LookUpLinkAsync(token, ct);
        return new(status, status == ResetStatus.Valid ? account!.UserName : null, reference);
    }

    public async Task<ResetCompletion> CompleteWithLinkAsync(string? token, string? newPassword, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var (status, ticket, account) = await LookUpLinkAsync(token, ct);
        if (status != ResetStatus.Valid) return new(status, [], reference);
        return await CompleteAsync(ticket!, account!, newPassword, client, reference, ct);
    }

    /// <summary>The code from the text message, in the browser that asked for it.</summary>
    public async Task<ResetCompletion> CompleteWithCodeAsync(string? browserBindingToken, string? code, string? newPassword, ClientInfo client,
        CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var ticket = SecretToken.Parse(browserBindingToken) is { } binding
            ? await tickets.LatestForBrowserAsync(SecretToken.Hash(binding), ct) : null;
        if (ticket is null) return new(ResetStatus.Invalid, [], reference);
        if (ticket.UsedAt is not null) return new(ResetStatus.Used, [], reference);
        if (clock.GetUtcNow() >= ticket.ExpiresAt) return new(ResetStatus.Expired, [], reference);
        if (ticket.FailedAttempts >= Options.MaxCodeAttempts) return new(ResetStatus.TooManyAttempts, [], reference);

        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0) return new(ResetStatus.Valid, [new("Code", "code.missing")], reference, Options.MaxCodeAttempts - ticket.FailedAttempts);
        if (await tickets.TryCountAttemptAsync(ticket.Id, Options.MaxCodeAttempts, ct) is not { } attempts)
            return new(ResetStatus.TooManyAttempts, [], reference);
        if (ticket.AccountId is null || !FixedTimeEquals(CodeHash(ticket.Id, digits), ticket.SecretHash))
        {
            var left = Math.Max(0, Options.MaxCodeAttempts - attempts);
            return left == 0 ? new(ResetStatus.TooManyAttempts, [], reference) : new(ResetStatus.WrongCode, [new("Code", "code.wrong")], reference, left);
        }
        await tickets.UncountAttemptAsync(ticket.Id, ct);
        var account = await accounts.FindByIdAsync(ticket.AccountId.Value, ct);
        if (account is null || account.SecurityStamp != ticket.SecurityStamp) return new(ResetStatus.Superseded, [], reference);
        return await CompleteAsync(ticket, account, newPassword, client, reference, ct);
    }

    /// <summary>"Send a new link" from an expired or used link: a fresh request for the same account's address.</summary>
    public async Task<ResetRequestResult> ResendFromLinkAsync(string? token, ClientInfo client, CancellationToken ct = default)
    {
        var ticket = SecretToken.Parse(token) is { } parsed ? await tickets.FindBySecretHashAsync(SecretToken.Hash(parsed), ct) : null;
        var account = ticket?.AccountId is { } id ? await accounts.FindByIdAsync(id, ct) : null;
        if (account?.Email is null)
            return new(ResetRequestOutcome.Invalid, MessageChannel.Email, ReferenceCode.New(), [new("Identifier", "reset.start_again")]);
        return await RequestAsync(new ResetRequest(account.Email, MessageChannel.Email, null, client), ct);
    }

    private async Task<ResetCompletion> CompleteAsync(ResetTicket ticket, Account account, string? newPassword, ClientInfo client, string reference,
        CancellationToken ct)
    {
        if (policy.Check(newPassword, [account.Email, account.UserName]) is { } problem)
            return new(ResetStatus.Valid, [new("NewPassword", "password." + problem.ToString().ToLowerInvariant())], reference);
        if (await reuse.IsCurrentOrRecentAsync(account, newPassword!, ct))
            return new(ResetStatus.Valid, [new("NewPassword", "password.reused")], reference);

        var now = clock.GetUtcNow();
        var outgoing = notices.PasswordChanged(account, client, now, reference);
        var retired = new PasswordHistoryEntry
        {
            Id = Guid.NewGuid(), AccountId = account.Id, PasswordHash = account.PasswordHash ?? "", ReplacedAt = now, ReplacedByOwner = false,
        };
        var done = await tickets.TryCompleteAsync(ticket, hasher.HashPassword(account, newPassword!), now, retired,
            passwordSettings.Value.HistoryLength, outgoing, SecurityEvent.Of(SecurityEventKind.PasswordReset, now, client, reference, account.Id, account.UserName, ticket.Channel.ToString().ToLowerInvariant()), ct);
        if (!done) return new(ResetStatus.Used, [], reference);
        outboxSignal.Notify();
        return new(ResetStatus.Valid, [], reference);
    }

    private async Task<(ResetStatus, ResetTicket?, Account?)> LookUpLinkAsync(string? token, CancellationToken ct)
    {
        if (SecretToken.Parse(token) is not { } parsed) return (ResetStatus.Invalid, null, null);
        var ticket = await tickets.FindBySecretHashAsync(SecretToken.Hash(parsed), ct);
        if (ticket is not { Channel: MessageChannel.Email, AccountId: { } accountId }) return (ResetStatus.Invalid, null, null);
        if (ticket.UsedAt is not null) return (ResetStatus.Used, ticket, null);
        if (clock.GetUtcNow() >= ticket.ExpiresAt) return (ResetStatus.Expired, ticket, null);
        var account = await accounts.FindByIdAsync(accountId, ct);
        if (account is null || account.SecurityStamp != ticket.SecurityStamp) return (ResetStatus.Superseded, ticket, null);
        return (ResetStatus.Valid, ticket, account);
    }

    /// <summary>The wait before another request for this identifier, or null: one per cooldown, a few an hour.</summary>
    private async Task<TimeSpan?> RetryAfterAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        var recent = await tickets.RecentByKeyAsync(key, now.AddHours(-1), ct);
        if (recent.Count == 0) return null;
        var newest = recent.Max(t => t.CreatedAt);
        if (now - newest < Options.ResendCooldown) return Options.ResendCooldown - (now - newest);
        if (recent.Count >= Options.MaxPerHour) return recent.Min(t => t.CreatedAt).AddHours(1) - now;
        return null;
    }

    private async Task<Account?> FindAsync(string typed, bool byPhone, string key, CancellationToken ct)
    {
        if (!byPhone)
        {
            var byIdentifier = await accounts.FindByIdentifierAsync(key, ct);
            if (!Identifiers.LooksLikeEmail(typed)) return byIdentifier;
            // A verified recovery email finds its account too. Both lookups run for every address,
            // found or not, so the time taken tells nothing; one shared by several accounts is unknown.
            var byRecoveryEmail = await accounts.FindByVerifiedRecoveryEmailAsync(key, ct);
            return byIdentifier ?? (byRecoveryEmail.Count == 1 ? byRecoveryEmail[0] : null);
        }
        // A number shared by several accounts cannot say which one to reset: treated as unknown.
        var matches = await accounts.FindByConfirmedPhoneAsync(key, ct);
        return matches.Count == 1 ? matches[0] : null;
    }

    private async Task IssueAsync(Account? account, MessageChannel channel, string key, string typed, ResetRequest request, string reference,
        DateTimeOffset now, CancellationToken ct)
    {
        var ticket = NewTicket(account, channel, key, now);
        ticket.BrowserBindingHash = SecretToken.Parse(request.BrowserBindingToken) is { } binding ? SecretToken.Hash(binding) : null;
        var outgoing = new List<OutboxMessage>();
        if (channel == MessageChannel.Sms)
        {
            var code = DigitCodes.New(Options.CodeLength);
            ticket.SecretHash = CodeHash(ticket.Id, code);
            ticket.Destination = account?.PhoneNumber;
            if (account is not null)
                outgoing.Add(messages.PasswordResetCode(account.PhoneNumber!, code, (int)Options.CodeLifetime.TotalMinutes, reference));
        }
        else
        {
            var link = SetLink(ticket, account?.Email);
            if (account is not null)
                foreach (var address in EmailsOf(account, verifiedOnly: false))
                    outgoing.Add(messages.PasswordResetLink(address, account.UserName!, link, (int)Options.LinkLifetime.TotalMinutes, reference));
        }
        await tickets.AddTicketAsync(ticket, outgoing,
            SecurityEvent.Of(SecurityEventKind.PasswordResetRequested, now, request.Client, reference, account?.Id, typed,
                account is null ? "no_match" : channel.ToString().ToLowerInvariant()), ct);
        if (outgoing.Count > 0) outboxSignal.Notify();
    }

    /// <summary>
    /// "Send a password reset link" from the support console, after the agent checked the caller's
    /// identity: the same single-use ticket and link as "Forgot password?" (so the reset page, its
    /// expiry and its second-factor rule apply), sent only to the account's verified addresses, in
    /// words that say support sent it. Nothing is saved here: the agent's action saves the ticket and
    /// messages together with its audit line. The agent never sees the link (ASVS 6.4.6).
    /// </summary>
    /// <returns>Null when the account has no verified address.</returns>
    public SupportResetLink? LinkForSupport(Account account, string reference)
    {
        var addresses = EmailsOf(account, verifiedOnly: true).ToList();
        if (addresses.Count == 0) return null;
        var ticket = NewTicket(account, MessageChannel.Email, Identifiers.Normalize(addresses[0]), clock.GetUtcNow());
        var link = SetLink(ticket, addresses[0]);
        var minutes = (int)Options.LinkLifetime.TotalMinutes;
        return new(ticket, addresses.Select(a => messages.PasswordResetLinkFromSupport(a, account.UserName ?? a, link, minutes, reference)).ToList(),
            addresses.Select(Masking.Email).ToList());
    }

    /// <summary>A ticket valid under the account's current security stamp (a decoy when there is no account); its secret is set by the caller.</summary>
    private ResetTicket NewTicket(Account? account, MessageChannel channel, string key, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = account?.Id,
        Channel = channel,
        RequestKey = key,
        SecretHash = "",
        SecurityStamp = account?.SecurityStamp,
        CreatedAt = now,
        ExpiresAt = now + (channel == MessageChannel.Sms ? Options.CodeLifetime : Options.LinkLifetime),
    };

    /// <summary>Gives an email ticket its secret (only the hash is kept) and returns the link that carries it.</summary>
    private Uri SetLink(ResetTicket ticket, string? destination)
    {
        var token = SecretToken.New();
        ticket.SecretHash = SecretToken.Hash(token);
        ticket.Destination = destination;
        return thresholdOptions.Value.Link("recover/password/reset?token=" + token);
    }

    /// <summary>
    /// The sign-in address (unless <paramref name="verifiedOnly"/> and it is not verified) and, once
    /// verified, the recovery email: the same single-use link goes to both.
    /// </summary>
    private static IEnumerable<string> EmailsOf(Account account, bool verifiedOnly)
    {
        if (account.Email is not null && (account.EmailConfirmed || !verifiedOnly)) yield return account.Email;
        if (account is { RecoveryEmail: { } recovery, RecoveryEmailVerifiedAt: not null }
            && !string.Equals(recovery, account.Email, StringComparison.OrdinalIgnoreCase))
            yield return recovery;
    }

    /// <summary>Identifiers longer than any real one still get a cooldown, under a fixed-size key.</summary>
    private static string RequestKeyOf(string normalized) =>
        normalized.Length <= Identifiers.EmailMaxLength ? normalized : "sha256:" + SecretToken.Hash(normalized);

    /// <summary>Codes are short, so the ticket id salts the hash.</summary>
    private static string CodeHash(Guid ticketId, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticketId.ToString("N") + ":" + code)));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

}
