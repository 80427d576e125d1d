using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Errors;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Support;
using Threshold.Core.Support.Actions;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfAgentActionStore"/>: an agent's action
/// writes its effect, audit line, the customer's event and the messages together or not at all; a
/// form acts once, even when copies of it arrive at once; one two-step reset waits per account; and
/// nothing is written for an account that is gone.
/// </summary>
public abstract class AgentActionStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The four actions, by the audit log's name for them.</summary>
    public static readonly TheoryData<AgentAction> Actions =
        [AgentAction.Unlock, AgentAction.SendPasswordReset, AgentAction.SignOutAllSessions, AgentAction.ResetTwoFactor];

    [Fact]
    public async Task Unlock_clears_the_lockout_and_the_wrong_second_step_count_with_its_audit_line_event_and_message()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await BlockAsync(alice, bob);
        var write = Write(alice, AgentAction.Unlock, "form-1");

        Assert.Equal(AgentApplyOutcome.Done, (await Apply(write)).Outcome);

        await With(async db =>
        {
            var account = await db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct);
            Assert.Equal(0, account.AccessFailedCount);
            Assert.Null(account.LockoutEnd);
            Assert.Equal(0, account.SecondFactorFailures);
            Assert.Null(account.SecondFactorFailedAt);
            Assert.Equal(alice.SecurityStamp, account.SecurityStamp); // unlocking signs nobody out
            await AssertWrittenAsync(db, write);
            await AssertBlockedAsync(db, bob);
        });

        // The throttle counters are cleared apart, after the action is recorded (scaled out they live in Redis):
        // the account's own and its identifiers' go, whoever else was failing keeps theirs.
        await With(db => new EfThrottleStore(db).ResetAsync(ThrottleKeysOf(alice), Ct));
        var left = await With(db => db.Set<ThrottleCounter>().AsNoTracking().Select(c => c.Key).ToListAsync(Ct));
        Assert.Equal(ThrottleKeysOf(bob).Append(ThrottleKeys.Network("203.0.113.0/24")).Order(), left.Order());
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_and_pending_sign_in_and_changes_the_stamp_with_everything_else()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await AddSessionsAsync(alice, 2);
        await AddSessionsAsync(bob, 1);
        var write = Write(alice, AgentAction.SignOutAllSessions, "form-1");

        var result = await Apply(write);

        Assert.Equal(AgentApplyOutcome.Done, result.Outcome);
        Assert.Equal(2, result.Affected);
        await With(async db =>
        {
            Assert.Equal(((EndEverySession)write.Effect).NewSecurityStamp,
                (await db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct)).SecurityStamp);
            Assert.Equal(0, await db.Sessions.CountAsync(s => s.AccountId == alice.Id, Ct));
            Assert.Equal(0, await db.PendingSignIns.CountAsync(p => p.AccountId == alice.Id, Ct));
            await AssertWrittenAsync(db, write);
            // Bob is untouched.
            Assert.Equal(bob.SecurityStamp, (await db.Users.AsNoTracking().SingleAsync(a => a.Id == bob.Id, Ct)).SecurityStamp);
            Assert.Equal(1, await db.Sessions.CountAsync(s => s.AccountId == bob.Id, Ct));
            Assert.Equal(1, await db.PendingSignIns.CountAsync(p => p.AccountId == bob.Id, Ct));
        });
    }

    [Fact]
    public async Task A_reset_link_saves_its_ticket_and_message_with_the_audit_line_and_event()
    {
        var alice = await NewAccountAsync("alice");
        var write = Write(alice, AgentAction.SendPasswordReset, "form-1");

        Assert.Equal(AgentApplyOutcome.Done, (await Apply(write)).Outcome);

        await With(async db =>
        {
            var ticket = ((IssueResetTicket)write.Effect).Ticket;
            var stored = await db.ResetTickets.AsNoTracking().SingleAsync(Ct);
            Assert.Equal((ticket.Id, ticket.SecretHash, ticket.AccountId), (stored.Id, stored.SecretHash, stored.AccountId));
            Assert.Null(stored.UsedAt);
            AssertInstant(ticket.ExpiresAt, stored.ExpiresAt);
            await AssertWrittenAsync(db, write);
        });
    }

    [Fact]
    public async Task A_two_step_reset_waits_and_another_for_the_account_is_refused_until_it_ends()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var first = Write(alice, AgentAction.ResetTwoFactor, "form-1");
        Assert.Equal(AgentApplyOutcome.Done, (await Apply(first)).Outcome);

        var reset = ((ScheduleFactorReset)first.Effect).Reset;
        await With(async db =>
        {
            var stored = await db.FactorResets.AsNoTracking().SingleAsync(Ct);
            Assert.Equal((reset.Id, alice.Id, reset.CancelTokenHash), (stored.Id, stored.AccountId, stored.CancelTokenHash));
            Assert.True(stored.IsPending);
            AssertInstant(reset.DueAt, stored.DueAt);
            await AssertWrittenAsync(db, first);
        });

        // Another form (its own token) for the same account writes nothing at all while the first waits.
        var before = await StateAsync();
        Assert.Equal(AgentApplyOutcome.AlreadyPending, (await Apply(Write(alice, AgentAction.ResetTwoFactor, "form-2"))).Outcome);
        Assert.Equal(before, await StateAsync());
        Assert.False(await With(db => db.AgentAudit.AnyAsync(a => a.FormToken == "form-2", Ct)));

        // Another account is not held up by Alice's.
        Assert.Equal(AgentApplyOutcome.Done, (await Apply(Write(bob, AgentAction.ResetTwoFactor, "form-3"))).Outcome);

        // Once hers is cancelled, a new one can be asked for.
        await CancelResetsAsync(alice);
        Assert.Equal(AgentApplyOutcome.Done, (await Apply(Write(alice, AgentAction.ResetTwoFactor, "form-4"))).Outcome);
        Assert.Equal(1, await With(db => db.FactorResets.CountAsync(r => r.AccountId == alice.Id && r.CancelledAt == null, Ct)));
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task A_reused_form_token_writes_nothing_at_all_and_says_so(AgentAction action)
    {
        var alice = await NewAccountAsync("alice");
        Assert.Equal(AgentApplyOutcome.Done, (await Apply(Write(alice, action, "form-1"))).Outcome);
        // Give the replay something to change, and take away any other reason to refuse it.
        await BlockAsync(alice);
        await AddSessionsAsync(alice, 1);
        await CancelResetsAsync(alice);
        var stamp = await StampAsync(alice);
        var before = await StateAsync();

        Assert.Equal(AgentApplyOutcome.Replayed, (await Apply(Write(alice, action, "form-1"))).Outcome);

        Assert.Equal(before, await StateAsync());
        Assert.Equal(stamp, await StampAsync(alice));
        await With(async db =>
        {
            await AssertBlockedAsync(db, alice);
            Assert.Equal(1, await db.Sessions.CountAsync(Ct));
            Assert.Equal(1, await db.PendingSignIns.CountAsync(Ct));
        });
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Copies_of_one_form_sent_at_once_act_once(AgentAction action)
    {
        var alice = await NewAccountAsync("alice");
        await AddSessionsAsync(alice, 2);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Apply(Write(alice, action, "form-1")), Ct)));

        var done = Assert.Single(results, r => r.Outcome == AgentApplyOutcome.Done);
        Assert.Equal(action == AgentAction.SignOutAllSessions ? 2 : 0, done.Affected);
        var state = await StateAsync();
        Assert.Equal(new State(Audit: 1, Events: 1, Messages: 1, Tickets: action == AgentAction.SendPasswordReset ? 1 : 0,
            Resets: action == AgentAction.ResetTwoFactor ? 1 : 0), state);
    }

    [Fact]
    public async Task Different_forms_asking_for_a_two_step_reset_of_one_account_at_once_leave_one_waiting()
    {
        var alice = await NewAccountAsync("alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Apply(Write(alice, AgentAction.ResetTwoFactor, "form-" + i)), Ct)));

        Assert.Single(results, r => r.Outcome == AgentApplyOutcome.Done);
        Assert.All(results.Where(r => r.Outcome != AgentApplyOutcome.Done), r => Assert.Equal(AgentApplyOutcome.AlreadyPending, r.Outcome));
        Assert.Equal(new State(Audit: 1, Events: 1, Messages: 1, Tickets: 0, Resets: 1), await StateAsync());
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task An_account_that_is_gone_gets_nothing_written(AgentAction action)
    {
        // Removed between the agent opening the form and sending it.
        var ghost = TestRows.Account("ghost", T0.AddDays(-100));

        Assert.Equal(AgentApplyOutcome.AccountGone, (await Apply(Write(ghost, action, "form-1"))).Outcome);

        Assert.Equal(new State(0, 0, 0, 0, 0), await StateAsync());
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>How many rows each table an action writes to holds.</summary>
    private sealed record State(int Audit, int Events, int Messages, int Tickets, int Resets);

    private Task<State> StateAsync() => With(async db => new State(
        await db.AgentAudit.CountAsync(Ct), await db.SecurityEvents.CountAsync(Ct), await db.OutboxMessages.CountAsync(Ct),
        await db.ResetTickets.CountAsync(Ct), await db.FactorResets.CountAsync(Ct)));

    private Task<AgentApplyResult> Apply(AgentActionWrite write) => With(db => new EfAgentActionStore(db).TryApplyAsync(write, Ct));

    /// <summary>The audit line, the event and the messages of the write, and nothing else of their kind.</summary>
    private static async Task AssertWrittenAsync(ThresholdDbContext db, AgentActionWrite write)
    {
        var line = await db.AgentAudit.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((write.Audit.Id, write.Audit.FormToken, write.Audit.Action), (line.Id, line.FormToken, line.Action));
        var securityEvent = await db.SecurityEvents.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((write.Event.Id, write.Event.Kind, write.Event.AccountId), (securityEvent.Id, securityEvent.Kind, securityEvent.AccountId));
        Assert.Equal(write.Messages.Select(m => m.Id).Order(), (await db.OutboxMessages.AsNoTracking().Select(m => m.Id).ToListAsync(Ct)).Order());
    }

    private static AgentActionWrite Write(Account account, AgentAction action, string formToken)
    {
        var reference = ReferenceCode.New();
        var audit = new AgentAuditEntry
        {
            Id = Guid.NewGuid(), At = T0, AgentId = Guid.NewGuid(), AgentName = "agent", Action = action, Outcome = AgentActionOutcome.Done,
            AccountId = account.Id, Reason = "the customer asked", FormToken = formToken, ReferenceCode = reference,
        };
        var (kind, effect) = action switch
        {
            AgentAction.Unlock => (SecurityEventKind.SupportUnlocked, (AgentEffect)new ClearSignInBlocks()),
            AgentAction.SendPasswordReset => (SecurityEventKind.SupportResetLinkSent, new IssueResetTicket(new ResetTicket
            {
                Id = Guid.NewGuid(), AccountId = account.Id, Channel = MessageChannel.Email, RequestKey = account.NormalizedEmail!,
                SecretHash = TestRows.Hash(), SecurityStamp = account.SecurityStamp, Destination = account.Email, CreatedAt = T0,
                ExpiresAt = T0.AddMinutes(30),
            })),
            AgentAction.SignOutAllSessions => (SecurityEventKind.SupportSessionsEnded, new EndEverySession(Guid.NewGuid().ToString("N"))),
            AgentAction.ResetTwoFactor => (SecurityEventKind.TwoFactorResetScheduled,
                new ScheduleFactorReset(TestRows.FactorReset(account.Id, T0, TimeSpan.FromHours(24)))),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        var securityEvent = TestRows.Event(account.Id, kind, T0);
        securityEvent.ReferenceCode = reference;
        return new AgentActionWrite(audit, securityEvent, [TestRows.Message(MessageChannel.Email, "support-action", account.Email!, T0)], effect);
    }

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        await AddAsync(account);
        return account;
    }

    private Task<string?> StampAsync(Account account) =>
        With(db => db.Users.AsNoTracking().Where(a => a.Id == account.Id).Select(a => a.SecurityStamp).SingleAsync(Ct));

    /// <summary>Identity's lockout, wrong second-step answers, and throttle counters of the account, its identifiers and a network.</summary>
    private Task BlockAsync(params Account[] accounts) => With(async db =>
    {
        foreach (var account in accounts)
        {
            await db.Users.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.AccessFailedCount, 4)
                .SetProperty(a => a.LockoutEnd, T0.AddHours(1))
                .SetProperty(a => a.SecondFactorFailures, 3)
                .SetProperty(a => a.SecondFactorFailedAt, T0), Ct);
            foreach (var key in ThrottleKeysOf(account))
                if (!await db.Set<ThrottleCounter>().AnyAsync(c => c.Key == key, Ct))
                    db.Set<ThrottleCounter>().Add(new ThrottleCounter { Key = key, Failures = 12, LastFailureAt = T0 });
        }
        var network = ThrottleKeys.Network("203.0.113.0/24");
        if (!await db.Set<ThrottleCounter>().AnyAsync(c => c.Key == network, Ct))
            db.Set<ThrottleCounter>().Add(new ThrottleCounter { Key = network, Failures = 40, LastFailureAt = T0 });
        await db.SaveChangesAsync(Ct);
    });

    private static async Task AssertBlockedAsync(ThresholdDbContext db, Account account)
    {
        var stored = await db.Users.AsNoTracking().SingleAsync(a => a.Id == account.Id, Ct);
        Assert.Equal(4, stored.AccessFailedCount);
        Assert.NotNull(stored.LockoutEnd);
        Assert.Equal(3, stored.SecondFactorFailures);
        Assert.NotNull(stored.SecondFactorFailedAt);
    }

    /// <summary>The counters a wrong password adds to for the account, as <see cref="AgentActions"/> names them.</summary>
    private static string[] ThrottleKeysOf(Account account) =>
        [ThrottleKeys.Account(account.Id), ThrottleKeys.Identifier(account.NormalizedUserName!), ThrottleKeys.Identifier(account.NormalizedEmail!)];

    private Task AddSessionsAsync(Account account, int count) => With(async db =>
    {
        for (var i = 0; i < count; i++) db.Sessions.Add(TestRows.Session(account.Id, T0));
        db.PendingSignIns.Add(TestRows.PendingSignIn(account.Id, T0));
        await db.SaveChangesAsync(Ct);
    });

    private Task CancelResetsAsync(Account account) => With(db =>
        db.FactorResets.Where(r => r.AccountId == account.Id && r.CancelledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, T0.AddMinutes(1)), Ct));
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteAgentActionStoreSpecification() : AgentActionStoreSpecification(new SqliteTestDatabase("agent-actions"));
public sealed class PostgresAgentActionStoreSpecification() : AgentActionStoreSpecification(new PostgresTestDatabase("agent_actions"));
