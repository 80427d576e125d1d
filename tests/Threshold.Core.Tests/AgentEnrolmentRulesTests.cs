using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Secrets;
using Threshold.Core.Sessions;
using Threshold.Core.Support;
using Threshold.Core.Support.Agents;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>
/// The agent role's rules on a fake clock: an operator's link names an email and works once for a
/// day; only the account whose sign-in email it is, verified, with a second factor proved in the
/// session, becomes an agent; removal is audited and withdraws open links.
/// </summary>
public class AgentEnrolmentRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TwoFactorRig _rig = new();
    private readonly InMemoryAgentAuditLog _audit = new();
    private readonly InMemoryAgentDirectory _directory;
    private readonly AgentRoster _roster;
    private readonly AgentEnrolment _enrolment;

    public AgentEnrolmentRulesTests()
    {
        _directory = new InMemoryAgentDirectory(_audit);
        _roster = new AgentRoster(_directory, _rig.Accounts, Options.Create(new SupportOptions()),
            Options.Create(new ThresholdOptions { PublicOrigin = "https://id.example.com" }), _rig.Clock);
        _enrolment = new AgentEnrolment(_directory, _audit, _rig.Methods, _rig.Clock);
    }

    private async Task<string> InviteAsync(string email)
    {
        var result = await _roster.InviteAsync(email, Ct);
        Assert.Equal(InviteOutcome.Invited, result.Outcome);
        return result.Link!.Query["?token=".Length..];
    }

    private async Task<Account> AgentToBeAsync(string username)
    {
        var account = _rig.AddAccount(username);
        await _rig.EnrolTotpAsync(account, Ct);
        return _rig.Fresh(account);
    }

    private Session TwoStepSession(Account account) => new()
    {
        Id = Guid.NewGuid(), AccountId = account.Id, TokenHash = SecretToken.Hash(SecretToken.New()),
        AuthenticatedAt = _rig.Clock.GetUtcNow(), MultiFactorAt = _rig.Clock.GetUtcNow(),
    };

    [Fact]
    public async Task The_link_is_on_the_public_origin_and_only_its_hash_is_kept_for_a_day()
    {
        var result = await _roster.InviteAsync("  Pat@Example.com ", Ct);

        Assert.Equal("https://id.example.com/account/agent-enrolment", result.Link!.GetLeftPart(UriPartial.Path));
        var token = result.Link.Query["?token=".Length..];
        Assert.NotNull(SecretToken.Parse(token));
        var stored = Assert.Single(_directory.Invitations);
        Assert.Equal(SecretToken.Hash(token), stored.TokenHash);
        Assert.Equal("PAT@EXAMPLE.COM", stored.NormalizedEmail);
        Assert.Equal(TimeSpan.FromHours(24), stored.ExpiresAt - stored.CreatedAt);
        Assert.Null(result.Account); // nobody uses the address yet: they may register later
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pat")]
    [InlineData("pat@@example.com")]
    [InlineData("pat @example.com")]
    [InlineData("pat@example")]
    [InlineData("pat@example.com\u0000")]
    public async Task A_malformed_email_makes_no_link_and_removes_nothing(string? email)
    {
        Assert.Equal(InviteOutcome.Invalid, (await _roster.InviteAsync(email, Ct)).Outcome);
        Assert.Equal(RemoveOutcome.Invalid, (await _roster.RemoveAsync(email, Ct)).Outcome);
        Assert.Empty(_directory.Invitations);
    }

    [Fact]
    public async Task The_invited_account_with_two_steps_accepts_once_and_the_audit_says_so()
    {
        var pat = await AgentToBeAsync("pat");
        var token = await InviteAsync(pat.Email!);
        var session = TwoStepSession(pat);

        Assert.Equal(EnrolmentStatus.Ready, (await _enrolment.CheckAsync(token, pat, session, Ct)).Status);
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct)); // looking changes nothing

        var accepted = await _enrolment.AcceptAsync(token, pat, session, TwoFactorRig.Client, Ct);
        Assert.Equal(EnrolmentStatus.Accepted, accepted.Status);
        Assert.True(await _directory.IsAgentAsync(pat.Id, Ct));
        var line = Assert.Single(_audit.Entries);
        Assert.Equal((AgentAction.AgentEnrolled, AgentActionOutcome.Done, pat.Id, "pat"), (line.Action, line.Outcome, line.AgentId, line.AgentName));
        Assert.Equal(accepted.ReferenceCode, line.ReferenceCode);
        Assert.Equal(TwoFactorRig.Client.IpAddress, line.IpAddress);

        Assert.Equal(EnrolmentStatus.Used, (await _enrolment.AcceptAsync(token, pat, session, TwoFactorRig.Client, Ct)).Status);
        Assert.Single(_audit.Entries);
    }

    [Fact]
    public async Task Another_account_is_refused_and_the_refusal_is_audited()
    {
        var pat = await AgentToBeAsync("pat");
        var sam = await AgentToBeAsync("sam");
        var token = await InviteAsync(pat.Email!);

        var refused = await _enrolment.AcceptAsync(token, sam, TwoStepSession(sam), TwoFactorRig.Client, Ct);
        Assert.Equal(EnrolmentStatus.WrongAccount, refused.Status);
        Assert.False(await _directory.IsAgentAsync(sam.Id, Ct));
        var line = Assert.Single(_audit.Entries);
        Assert.Equal((AgentActionOutcome.Refused, "wrong_account", sam.Id), (line.Outcome, line.Detail, line.AccountId));
        // The link still works for the person it was made for.
        Assert.Equal(EnrolmentStatus.Accepted, (await _enrolment.AcceptAsync(token, pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);
    }

    [Fact]
    public async Task The_email_must_be_verified_and_the_recovery_address_does_not_count()
    {
        var pat = await AgentToBeAsync("pat");
        _rig.Accounts.Get(pat.Id)!.EmailConfirmed = false;
        var token = await InviteAsync(pat.Email!);
        Assert.Equal(EnrolmentStatus.EmailNotVerified, (await _enrolment.AcceptAsync(token, _rig.Fresh(pat), TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);

        var sam = await AgentToBeAsync("sam");
        var stored = _rig.Accounts.Get(sam.Id)!;
        stored.RecoveryEmail = "sam.backup@example.net";
        stored.NormalizedRecoveryEmail = Identifiers.Normalize(stored.RecoveryEmail);
        stored.RecoveryEmailVerifiedAt = _rig.Clock.GetUtcNow();
        var toRecovery = await InviteAsync("sam.backup@example.net");
        Assert.Equal(EnrolmentStatus.WrongAccount, (await _enrolment.CheckAsync(toRecovery, _rig.Fresh(sam), TwoStepSession(sam), Ct)).Status);
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct));
        Assert.False(await _directory.IsAgentAsync(sam.Id, Ct));
    }

    [Fact]
    public async Task Without_a_second_factor_or_a_session_that_proved_it_nothing_is_granted()
    {
        var pat = _rig.AddAccount("pat");
        var token = await InviteAsync(pat.Email!);
        Assert.Equal(EnrolmentStatus.NeedsTwoFactorSetup, (await _enrolment.AcceptAsync(token, pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);

        await _rig.EnrolTotpAsync(pat, Ct);
        var passwordOnly = TwoStepSession(pat);
        passwordOnly.MultiFactorAt = null;
        Assert.Equal(EnrolmentStatus.NeedsSecondStep, (await _enrolment.AcceptAsync(token, _rig.Fresh(pat), passwordOnly, TwoFactorRig.Client, Ct)).Status);
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct));
        Assert.Equal(new string?[] { "no_second_factor", "no_second_step" }, _audit.Entries.Select(e => e.Detail).ToArray());
    }

    [Fact]
    public async Task The_link_expires_after_its_lifetime()
    {
        var pat = await AgentToBeAsync("pat");
        var token = await InviteAsync(pat.Email!);
        _rig.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal(EnrolmentStatus.Ready, (await _enrolment.CheckAsync(token, pat, TwoStepSession(pat), Ct)).Status);
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(EnrolmentStatus.Expired, (await _enrolment.AcceptAsync(token, pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct));
        Assert.Empty(_audit.Entries);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    public async Task Unknown_or_malformed_tokens_are_invalid(string? token)
    {
        var pat = await AgentToBeAsync("pat");
        await InviteAsync(pat.Email!);
        Assert.Equal(EnrolmentStatus.Invalid, (await _enrolment.AcceptAsync(token, pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);
        Assert.Equal(EnrolmentStatus.Invalid, (await _enrolment.AcceptAsync(SecretToken.New(), pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);
        Assert.Empty(_audit.Entries);
    }

    [Fact]
    public async Task Removing_revokes_the_role_audits_it_as_the_operator_and_withdraws_open_links()
    {
        var pat = await AgentToBeAsync("pat");
        var token = await InviteAsync("PAT@example.com");
        await _directory.GrantAsync(pat.Id, Ct); // by another link, say
        Assert.Equal(InviteOutcome.AlreadyAgent, (await _roster.InviteAsync(pat.Email, Ct)).Outcome);

        var removed = await _roster.RemoveAsync(pat.Email, Ct);
        Assert.Equal((RemoveOutcome.Removed, 1), (removed.Outcome, removed.LinksWithdrawn));
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct));
        var line = Assert.Single(_audit.Entries);
        Assert.Equal((AgentAction.AgentRemoved, AgentRoster.OperatorName, pat.Id, removed.ReferenceCode), (line.Action, line.AgentName, line.AccountId, line.ReferenceCode));
        Assert.Equal(EnrolmentStatus.Expired, (await _enrolment.AcceptAsync(token, pat, TwoStepSession(pat), TwoFactorRig.Client, Ct)).Status);
        Assert.False(await _directory.IsAgentAsync(pat.Id, Ct));

        Assert.Equal(RemoveOutcome.NotFound, (await _roster.RemoveAsync(pat.Email, Ct)).Outcome);
    }

    [Fact]
    public async Task The_list_shows_agents_and_only_open_links()
    {
        var pat = await AgentToBeAsync("pat");
        await _directory.GrantAsync(pat.Id, Ct);
        await InviteAsync("old@example.com");
        _rig.Clock.Advance(TimeSpan.FromHours(23));
        await InviteAsync("new@example.com");
        _rig.Clock.Advance(TimeSpan.FromHours(2));

        var list = await _roster.ListAsync(Ct);
        Assert.Equal(("pat@example.com", "pat"), (Assert.Single(list.Agents).Email, list.Agents[0].UserName));
        Assert.Equal("NEW@EXAMPLE.COM", Assert.Single(list.OpenInvitations).NormalizedEmail);
    }
}
