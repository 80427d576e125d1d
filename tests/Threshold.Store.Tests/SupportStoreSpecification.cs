using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for the support stores: the agents' audit log only grows
/// (the database itself refuses changes), a form token acts once, the agent role comes and goes,
/// an enrolment link is accepted once, and a request closes once with its audit line.
/// </summary>
public abstract class SupportStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_audit_log_keeps_what_was_appended_and_the_database_refuses_to_change_or_remove_it()
    {
        var entry = Audit(AgentAction.Unlock, Guid.NewGuid());
        Assert.True(await AuditLog(a => a.TryAppendAsync(entry, Ct)));

        await Assert.ThrowsAnyAsync<Exception>(() => With(db =>
            db.AgentAudit.Where(a => a.Id == entry.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Reason, "covered up"), Ct)));
        await Assert.ThrowsAnyAsync<Exception>(() => With(db => db.AgentAudit.Where(a => a.Id == entry.Id).ExecuteDeleteAsync(Ct)));

        var kept = await With(db => db.AgentAudit.AsNoTracking().SingleAsync(Ct));
        Assert.Equal("because the customer asked", kept.Reason);
    }

    [Fact]
    public async Task A_form_token_is_appended_once_even_when_two_copies_race()
    {
        var account = Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            AuditLog(a => a.TryAppendAsync(Audit(AgentAction.SignOutAllSessions, account, formToken: "token-1"), Ct)), Ct)));
        Assert.Single(results, r => r);
        Assert.Equal(1, await With(db => db.AgentAudit.CountAsync(Ct)));
        Assert.True(await AuditLog(a => a.TryAppendAsync(Audit(AgentAction.SignOutAllSessions, account, formToken: "token-2"), Ct)));
    }

    [Fact]
    public async Task Pages_are_newest_first_and_the_last_passed_check_is_that_agents_for_that_account()
    {
        var agent = Guid.NewGuid();
        var customer = Guid.NewGuid();
        await AuditLog(a => a.TryAppendAsync(Audit(AgentAction.VerificationPassed, customer, agent: agent, at: T0), Ct));
        await AuditLog(a => a.TryAppendAsync(Audit(AgentAction.VerificationPassed, customer, agent: agent, at: T0.AddMinutes(5), outcome: AgentActionOutcome.Refused), Ct));
        await AuditLog(a => a.TryAppendAsync(Audit(AgentAction.VerificationPassed, Guid.NewGuid(), agent: agent, at: T0.AddMinutes(6)), Ct));
        await AuditLog(a => a.TryAppendAsync(Audit(AgentAction.VerificationPassed, customer, at: T0.AddMinutes(7)), Ct));

        AssertInstant(T0, await AuditLog(a => a.LastVerifiedAsync(agent, customer, Ct)));
        Assert.Null(await AuditLog(a => a.LastVerifiedAsync(agent, Guid.NewGuid(), Ct)));
        var page = await AuditLog(a => a.PageAsync(customer, 0, 10, Ct));
        Assert.Equal(3, page.Count);
        Assert.True(page.Zip(page.Skip(1)).All(p => p.First.At >= p.Second.At));
        Assert.Equal(4, await AuditLog(a => a.CountAsync(null, Ct)));
    }

    [Fact]
    public async Task The_agent_role_is_granted_once_and_revoked()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await Agents(d => d.GrantAsync(alice.Id, Ct));
        await Agents(d => d.GrantAsync(alice.Id, Ct));
        await Agents(d => d.GrantAsync(bob.Id, Ct));

        Assert.True(await Agents(d => d.IsAgentAsync(alice.Id, Ct)));
        Assert.Equal(2, (await Agents(d => d.AgentIdsAsync(Ct))).Count);
        Assert.True(await Agents(d => d.RevokeAsync(alice.Id, Audit(AgentAction.AgentRemoved, alice.Id), Ct)));
        Assert.False(await Agents(d => d.RevokeAsync(alice.Id, Audit(AgentAction.AgentRemoved, alice.Id), Ct)));
        Assert.Equal(1, await With(db => db.AgentAudit.CountAsync(a => a.Action == AgentAction.AgentRemoved, Ct)));
        Assert.False(await Agents(d => d.IsAgentAsync(alice.Id, Ct)));
        Assert.True(await Agents(d => d.IsAgentAsync(bob.Id, Ct)));
    }

    [Fact]
    public async Task An_enrolment_link_is_accepted_once_with_its_audit_line()
    {
        var alice = await NewAccountAsync("alice");
        var invitation = new AgentInvitation
        {
            Id = Guid.NewGuid(), NormalizedEmail = alice.NormalizedEmail!, TokenHash = new string('a', 64),
            CreatedAt = T0, ExpiresAt = T0.AddHours(24),
        };
        await Agents(d => d.AddInvitationAsync(invitation, Ct));
        Assert.Equal(invitation.Id, (await Agents(d => d.FindInvitationAsync(invitation.TokenHash, Ct)))!.Id);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            Agents(d => d.TryAcceptAsync(invitation.Id, alice.Id, T0.AddMinutes(1), Audit(AgentAction.AgentEnrolled, alice.Id, agent: alice.Id), Ct)), Ct)));

        Assert.Single(results, r => r);
        Assert.True(await Agents(d => d.IsAgentAsync(alice.Id, Ct)));
        Assert.Equal(1, await With(db => db.AgentAudit.CountAsync(a => a.Action == AgentAction.AgentEnrolled, Ct)));
        var accepted = await Agents(d => d.FindInvitationAsync(invitation.TokenHash, Ct));
        Assert.Equal(alice.Id, accepted!.AcceptedBy);
    }

    [Fact]
    public async Task Requests_queue_oldest_first_and_close_once_with_their_audit_line()
    {
        var alice = await NewAccountAsync("alice");
        var later = await AddRequestAsync(T0.AddMinutes(5), alice.Id);
        var earlier = await AddRequestAsync(T0, null);

        var queue = await Requests(s => s.ListAsync(SupportRequestStatus.Open, 0, 10, Ct));
        Assert.Equal([earlier.Number, later.Number], queue.Select(r => r.Number));
        Assert.Equal(2, await With(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.SupportRequestOpened, Ct)));
        Assert.Equal(later.Number, (await Requests(s => s.ForAccountAsync(alice.Id, Ct))).Single().Number);

        var agent = Guid.NewGuid();
        Assert.True(await Requests(s => s.TryCloseAsync(later.Id, agent, "reset sent", T0.AddHours(1), Audit(AgentAction.RequestClosed, alice.Id, agent: agent), Ct)));
        Assert.False(await Requests(s => s.TryCloseAsync(later.Id, agent, "again", T0.AddHours(2), Audit(AgentAction.RequestClosed, alice.Id, agent: agent), Ct)));

        var closed = await Requests(s => s.FindByNumberAsync(later.Number, Ct));
        Assert.Equal(SupportRequestStatus.Closed, closed!.Status);
        Assert.Equal("reset sent", closed.ClosingNote);
        Assert.Equal(agent, closed.ClosedBy);
        Assert.Equal(1, await Requests(s => s.CountAsync(SupportRequestStatus.Closed, Ct)));
        Assert.Equal(1, await With(db => db.AgentAudit.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_taken_request_number_is_replaced_and_the_request_kept()
    {
        var first = await AddRequestAsync(T0, null);
        var second = NewRequest(T0.AddMinutes(1), null, first.Number);
        var kept = await Requests(s => s.AddAsync(second, Opened(second), Ct));

        Assert.NotEqual(first.Number, kept);
        Assert.True(ReferenceCode.IsWellFormed(kept));
        Assert.Equal(2, await Requests(s => s.CountAsync(SupportRequestStatus.Open, Ct)));
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> AuditLog<T>(Func<EfAgentAuditLog, Task<T>> action) => With(db => action(new EfAgentAuditLog(db)));
    private Task<T> Agents<T>(Func<EfAgentDirectory, Task<T>> action) => With(db => action(new EfAgentDirectory(db)));
    private Task Agents(Func<EfAgentDirectory, Task> action) => With(db => action(new EfAgentDirectory(db)));
    private Task<T> Requests<T>(Func<EfSupportRequestStore, Task<T>> action) => With(db => action(new EfSupportRequestStore(db)));

    private static AgentAuditEntry Audit(AgentAction action, Guid account, Guid? agent = null, DateTimeOffset? at = null,
        AgentActionOutcome outcome = AgentActionOutcome.Done, string? formToken = null) => new()
    {
        Id = Guid.NewGuid(),
        At = at ?? T0,
        AgentId = agent ?? Guid.NewGuid(),
        AgentName = "agent",
        Action = action,
        Outcome = outcome,
        AccountId = account,
        Reason = "because the customer asked",
        FormToken = formToken,
        ReferenceCode = ReferenceCode.New(),
    };

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        await AddAsync(account);
        return account;
    }

    private static SupportRequest NewRequest(DateTimeOffset at, Guid? accountId, string? number = null) => new()
    {
        Id = Guid.NewGuid(),
        Number = number ?? ReferenceCode.New(),
        CreatedAt = at,
        Kind = SupportRequestKind.CantSignIn,
        AccountId = accountId,
        Contact = "someone@example.com",
        Description = "Lost my phone",
    };

    private static SecurityEvent Opened(SupportRequest request) =>
        TestRows.Event(request.AccountId, SecurityEventKind.SupportRequestOpened, request.CreatedAt, request.Number);

    private async Task<SupportRequest> AddRequestAsync(DateTimeOffset at, Guid? accountId)
    {
        var request = NewRequest(at, accountId);
        await Requests(s => s.AddAsync(request, Opened(request), Ct));
        return request;
    }
}

public sealed class SqliteSupportStoreSpecification() : SupportStoreSpecification(new SqliteTestDatabase("support"));

public sealed class PostgresSupportStoreSpecification() : SupportStoreSpecification(new PostgresTestDatabase("support"));
