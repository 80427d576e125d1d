using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Secrets;
using Threshold.Core.Sessions;

namespace Threshold.Core.Support.Agents;

/// <summary>
/// The enrolment link from <c>agents add</c>: it makes an agent only of the account whose verified
/// sign-in email it was made for, only with two-step sign-in set up and proved in this session, and
/// only once. Looking (GET) changes nothing; accepting grants the role, marks the link used and
/// writes the audit line in one transaction. A refused accept with a live link is audited too: a
/// link that reached the wrong account is worth an agent's attention.
/// </summary>
public sealed class AgentEnrolment(IAgentDirectory directory, IAgentAuditLog audit, TwoFactorMethods methods, TimeProvider clock)
{
    public async Task<EnrolmentCheck> CheckAsync(string? token, Account account, Session session, CancellationToken ct = default) =>
        (await DecideAsync(token, account, session, ct)).Check;

    public async Task<EnrolmentCheck> AcceptAsync(string? token, Account account, Session session, ClientInfo client, CancellationToken ct = default)
    {
        var (check, invitation) = await DecideAsync(token, account, session, ct);
        if (check.Status != EnrolmentStatus.Ready)
        {
            if (invitation is not null && RefusalDetail(check.Status) is { } detail)
                await audit.TryAppendAsync(Entry(account, AgentActionOutcome.Refused, check.ReferenceCode, client, detail), ct);
            return check;
        }
        var accepted = await directory.TryAcceptAsync(invitation!.Id, account.Id, clock.GetUtcNow(),
            Entry(account, AgentActionOutcome.Done, check.ReferenceCode, client, null), ct);
        // Lost to a double click or a second tab: the link is used now, whoever used it.
        return check with { Status = accepted ? EnrolmentStatus.Accepted : EnrolmentStatus.Used };
    }

    private async Task<(EnrolmentCheck Check, AgentInvitation? Invitation)> DecideAsync(string? token, Account account, Session session,
        CancellationToken ct)
    {
        var reference = ReferenceCode.New();
        var invitation = SecretToken.Parse(token) is { } parsed ? await directory.FindInvitationAsync(SecretToken.Hash(parsed), ct) : null;
        if (invitation is null) return (new(EnrolmentStatus.Invalid, reference), null);
        var expires = invitation.ExpiresAt;
        if (invitation.AcceptedAt is not null) return (new(EnrolmentStatus.Used, reference, expires), null);
        if (clock.GetUtcNow() >= expires) return (new(EnrolmentStatus.Expired, reference, expires), null);

        var status = account.NormalizedEmail != invitation.NormalizedEmail ? EnrolmentStatus.WrongAccount
            : !account.EmailConfirmed ? EnrolmentStatus.EmailNotVerified
            : !(await methods.ForAccountAsync(account, ct)).IsOn ? EnrolmentStatus.NeedsTwoFactorSetup
            : session.AccountId != account.Id || session.MultiFactorAt is null ? EnrolmentStatus.NeedsSecondStep
            : EnrolmentStatus.Ready;
        return (new(status, reference, expires), invitation);
    }

    /// <summary>The audit log's code for an accept refused although the link was live.</summary>
    private static string? RefusalDetail(EnrolmentStatus status) => status switch
    {
        EnrolmentStatus.WrongAccount => "wrong_account",
        EnrolmentStatus.EmailNotVerified => "email_not_verified",
        EnrolmentStatus.NeedsTwoFactorSetup => "no_second_factor",
        EnrolmentStatus.NeedsSecondStep => "no_second_step",
        _ => null,
    };

    private AgentAuditEntry Entry(Account account, AgentActionOutcome outcome, string reference, ClientInfo client, string? detail) => new()
    {
        Id = Guid.NewGuid(),
        At = clock.GetUtcNow(),
        AgentId = account.Id,
        AgentName = account.UserName ?? account.Email ?? account.Id.ToString(),
        Action = AgentAction.AgentEnrolled,
        Outcome = outcome,
        AccountId = account.Id,
        Detail = detail,
        IpAddress = client.IpAddress,
        ReferenceCode = reference,
    };
}

public enum EnrolmentStatus
{
    /// <summary>Everything holds: the page offers "Accept".</summary>
    Ready,
    Accepted,
    /// <summary>Unknown or malformed token (400).</summary>
    Invalid,
    Expired,
    Used,
    /// <summary>The signed-in account's email is not the one the link was made for (403).</summary>
    WrongAccount,
    /// <summary>The right address, not yet confirmed (403).</summary>
    EmailNotVerified,
    /// <summary>No second factor on the account: agents must use two-step sign-in.</summary>
    NeedsTwoFactorSetup,
    /// <summary>A second factor exists but this session did not pass it.</summary>
    NeedsSecondStep,
}

/// <param name="ExpiresAt">When the link stops working (known once the token was found).</param>
public sealed record EnrolmentCheck(EnrolmentStatus Status, string ReferenceCode, DateTimeOffset? ExpiresAt = null);
