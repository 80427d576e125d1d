using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Errors;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;
using Threshold.Core.Support;

namespace Threshold.Core.Activity.NotMe;

public enum NotMeStatus
{
    /// <summary>The entry can be reported; nothing has been done yet.</summary>
    Ready,
    /// <summary>The report was made now: the account is secured.</summary>
    Secured,
    /// <summary>This entry was reported before (a second use of the link, a double submit).</summary>
    AlreadyReported,
    /// <summary>No such entry in the signed-in account's history (or a malformed reference).</summary>
    NotFound,
    /// <summary>The email link was forged, changed, garbled or names nothing we know.</summary>
    LinkInvalid,
    LinkExpired,
}

/// <summary>What a report is about. <see cref="ReferenceCode"/> is this request's own code, for the page.</summary>
public sealed record NotMeSubject(NotMeStatus Status, string ReferenceCode, Account? Account = null, SecurityEvent? Event = null,
    SupportRequest? Report = null);

/// <param name="Report">The support request opened now, or the one opened by the earlier report.</param>
/// <param name="ResetLinkTo">The masked address the reset link went to; null when no verified address could take it.</param>
public sealed record NotMeResult(NotMeStatus Status, string ReferenceCode, SupportRequest? Report = null, string? ResetLinkTo = null,
    int LinkMinutes = 0);

/// <summary>
/// "This wasn't me": the owner reports an entry of their history, from the login history
/// (signed in) or from the link in a security notice (signed out). Looking changes nothing;
/// the confirmed report, in one transaction, ends every session (this one too), forgets
/// remembered devices, requires a new password, records the report, opens a support request
/// with the entry attached, and sends a link to set a new password at once (the Recovery
/// flow's reset ticket, so the reset page, its single use and its second-factor rule apply).
/// </summary>
public sealed class NotMeReport(
    IAccountStore accounts,
    ISecurityEventLog events,
    INotMeStore store,
    NotMeLinks links,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    IOptions<RecoveryOptions> recoveryOptions,
    IOptions<ThresholdOptions> thresholdOptions,
    TimeProvider clock)
{
    /// <summary>An entry of the signed-in account's own history, by its reference code.</summary>
    public async Task<NotMeSubject> FromHistoryAsync(Guid accountId, string? eventReference, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var code = eventReference?.Trim().ToUpperInvariant();
        return ReferenceCode.IsWellFormed(code) ? await SubjectAsync(accountId, code!, reference, ct) : new(NotMeStatus.NotFound, reference);
    }

    /// <summary>The entry a notice's link names; the token is the proof, no sign-in needed.</summary>
    public async Task<NotMeSubject> FromLinkAsync(string? token, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var read = links.Read(token);
        if (read.Status == NotMeLinkStatus.Expired) return new(NotMeStatus.LinkExpired, reference);
        if (read.Status != NotMeLinkStatus.Valid) return new(NotMeStatus.LinkInvalid, reference);
        var subject = await SubjectAsync(read.AccountId, read.Reference!, reference, ct);
        return subject.Status == NotMeStatus.NotFound ? subject with { Status = NotMeStatus.LinkInvalid } : subject;
    }

    public async Task<NotMeResult> SecureAsync(NotMeSubject subject, ClientInfo client, CancellationToken ct = default)
    {
        if (subject is not { Status: NotMeStatus.Ready, Account: { } account, Event: { } reported })
            return new(subject.Status, subject.ReferenceCode, subject.Report);

        var now = clock.GetUtcNow();
        var reference = subject.ReferenceCode;
        var stamp = Guid.NewGuid().ToString("N");
        var request = new SupportRequest
        {
            Id = Guid.NewGuid(),
            Number = ReferenceCode.New(),
            CreatedAt = now,
            Kind = SupportRequestKind.NotMe,
            AccountId = account.Id,
            Contact = account.EmailConfirmed ? account.Email : null,
            EventReference = reported.ReferenceCode,
            // For agents: what was reported and what was done already.
            Description = $"The owner reported {reported.Kind} at {reported.At:u} ({reported.ReferenceCode}) as not them. "
                + "Every session was ended, remembered devices forgotten, and a new password is required.",
        };
        var (ticket, outgoing) = ResetLink(account, stamp, request.Number, reference, client, now);
        var securityEvent = SecurityEvent.Of(SecurityEventKind.NotMeReported, now, client, reference, account.Id, account.UserName,
            "reported:" + reported.ReferenceCode);

        if (!await store.TrySecureAsync(new NotMeWrite(account.Id, reported.ReferenceCode, stamp, request, ticket, outgoing, securityEvent), ct))
            return new(NotMeStatus.AlreadyReported, reference, await store.FindReportAsync(account.Id, reported.ReferenceCode, ct));
        if (outgoing.Count > 0) outboxSignal.Notify();
        return new(NotMeStatus.Secured, reference, request, ticket is null ? null : Masking.Email(ticket.Destination!),
            (int)recoveryOptions.Value.LinkLifetime.TotalMinutes);
    }

    private async Task<NotMeSubject> SubjectAsync(Guid accountId, string eventReference, string reference, CancellationToken ct)
    {
        var account = await accounts.FindByIdAsync(accountId, ct);
        var reported = account is null ? null : await events.FindByReferenceAsync(eventReference, ct);
        // Only the account's own entries: another account's reference is as unknown as a made-up one.
        if (account is null || reported is null || reported.AccountId != accountId) return new(NotMeStatus.NotFound, reference);
        return await store.FindReportAsync(accountId, eventReference, ct) is { } report
            ? new(NotMeStatus.AlreadyReported, reference, account, reported, report)
            : new(NotMeStatus.Ready, reference, account, reported);
    }

    /// <summary>
    /// A reset link to the verified email address, valid under the new security stamp. An address
    /// not verified yet gets nothing: the owner can still use "Forgot password?".
    /// </summary>
    private (ResetTicket?, IReadOnlyList<OutboxMessage>) ResetLink(Account account, string stamp, string supportNumber, string reference,
        ClientInfo client, DateTimeOffset now)
    {
        if (account is not { EmailConfirmed: true, Email: { } email }) return (null, []);
        var token = SecretToken.New();
        var lifetime = recoveryOptions.Value.LinkLifetime;
        var ticket = new ResetTicket
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            Channel = MessageChannel.Email,
            RequestKey = Identifiers.Normalize(email),
            SecretHash = SecretToken.Hash(token),
            SecurityStamp = stamp,
            Destination = email,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        var link = thresholdOptions.Value.Link("recover/password/reset?token=" + token);
        return (ticket, [messages.NotMeSecured(email, account.UserName ?? email, link, (int)lifetime.TotalMinutes, supportNumber, reference)]);
    }
}
