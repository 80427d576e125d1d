using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Errors;
using Threshold.Core.Secrets;

namespace Threshold.Core.Support.Agents;

/// <summary>
/// The operator's side of the agent role (the <c>agents</c> command): invite by email, list, remove.
/// An invitation is a one-time link of which only the hash is kept; the role itself is granted only
/// when the invited account, signed in with two steps, accepts it (<see cref="AgentEnrolment"/>).
/// </summary>
public sealed class AgentRoster(
    IAgentDirectory directory,
    IAccountStore accounts,
    IOptions<SupportOptions> options,
    IOptions<ThresholdOptions> threshold,
    TimeProvider clock)
{
    public const string EnrolmentPath = "/account/agent-enrolment";
    /// <summary>Who the audit log names for what was done from the command line (the operator has no account).</summary>
    public const string OperatorName = "operator";

    /// <summary>A fresh enrolment link for <paramref name="email"/>; the account need not exist yet (the person may register first).</summary>
    public async Task<InviteResult> InviteAsync(string? email, CancellationToken ct = default)
    {
        var cleaned = Identifiers.Clean(email);
        if (Identifiers.CheckEmail(cleaned) is not null) return new(InviteOutcome.Invalid, cleaned);
        var normalized = Identifiers.Normalize(cleaned);
        var account = await FindByEmailAsync(normalized, ct);
        if (account is not null && await directory.IsAgentAsync(account.Id, ct)) return new(InviteOutcome.AlreadyAgent, cleaned, Account: account);

        var token = SecretToken.New();
        var now = clock.GetUtcNow();
        var invitation = new AgentInvitation
        {
            Id = Guid.NewGuid(),
            NormalizedEmail = normalized,
            TokenHash = SecretToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + options.Value.EnrolmentLinkLifetime,
        };
        await directory.AddInvitationAsync(invitation, ct);
        return new(InviteOutcome.Invited, cleaned, threshold.Value.Link(EnrolmentPath + "?token=" + token), invitation.ExpiresAt,
            options.Value.EnrolmentLinkLifetime, account);
    }

    /// <summary>Who holds the role, and the links still waiting to be accepted.</summary>
    public async Task<AgentList> ListAsync(CancellationToken ct = default)
    {
        var agents = new List<AgentListing>();
        foreach (var id in await directory.AgentIdsAsync(ct))
        {
            var account = await accounts.FindByIdAsync(id, ct);
            agents.Add(new(id, account?.Email, account?.UserName));
        }
        var open = await directory.OpenInvitationsAsync(clock.GetUtcNow(), ct);
        return new(agents.OrderBy(a => a.Email, StringComparer.OrdinalIgnoreCase).ToList(), open);
    }

    /// <summary>
    /// Takes the role away (the console's policy reads it on every request, so open console sessions
    /// lose access at once) and withdraws the address's open links, so none can grant it back.
    /// </summary>
    public async Task<RemoveResult> RemoveAsync(string? email, CancellationToken ct = default)
    {
        var cleaned = Identifiers.Clean(email);
        if (Identifiers.CheckEmail(cleaned) is not null) return new(RemoveOutcome.Invalid, cleaned, 0, null);
        var normalized = Identifiers.Normalize(cleaned);
        var now = clock.GetUtcNow();
        var withdrawn = await directory.WithdrawInvitationsAsync(normalized, now, ct);
        var account = await FindByEmailAsync(normalized, ct);
        var reference = ReferenceCode.New();
        if (account is null || !await directory.RevokeAsync(account.Id, new AgentAuditEntry
            {
                Id = Guid.NewGuid(),
                At = now,
                AgentId = Guid.Empty,
                AgentName = OperatorName,
                Action = AgentAction.AgentRemoved,
                Outcome = AgentActionOutcome.Done,
                AccountId = account.Id,
                ReferenceCode = reference,
            }, ct))
            return new(withdrawn > 0 ? RemoveOutcome.LinksWithdrawn : RemoveOutcome.NotFound, cleaned, withdrawn, null);
        return new(RemoveOutcome.Removed, cleaned, withdrawn, reference, account);
    }

    /// <summary>The account whose sign-in email this is (not a username or recovery address).</summary>
    private async Task<Account?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        await accounts.FindByIdentifierAsync(normalizedEmail, ct) is { } account && account.NormalizedEmail == normalizedEmail ? account : null;
}
