using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfRecoveryStore"/> ("forgot password"
/// tickets). Set up by <see cref="DatabaseSpecification"/>: a fresh, migrated database per test,
/// every read through a new context; the derived classes below pick SQLite or PostgreSQL.
/// </summary>
public abstract class RecoveryStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    // ------------------------------------------------------------------ tickets

    [Fact]
    public async Task AddTicket_stores_the_ticket_its_messages_and_its_event_and_FindBySecretHash_reads_it_back()
    {
        var alice = await NewAccountAsync("alice");
        var ticket = NewTicket(alice, MessageChannel.Email, T0.AddTicks(1234567));
        ticket.BrowserBindingHash = NewHash();
        var link = NewMessage(MessageChannel.Email, "password-reset", alice.Email!);
        var requested = NewEvent(alice.Id, SecurityEventKind.PasswordResetRequested);

        await Recovery(s => s.AddTicketAsync(ticket, [link], requested, Ct));

        var stored = await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct));
        Assert.NotNull(stored);
        Assert.Equal(ticket.Id, stored.Id);
        Assert.Equal(alice.Id, stored.AccountId);
        Assert.Equal(MessageChannel.Email, stored.Channel);
        Assert.Equal(ticket.RequestKey, stored.RequestKey);
        Assert.Equal(ticket.SecretHash, stored.SecretHash);
        Assert.Equal(ticket.BrowserBindingHash, stored.BrowserBindingHash);
        Assert.Equal(alice.SecurityStamp, stored.SecurityStamp);
        Assert.Equal(alice.Email, stored.Destination);
        AssertInstant(ticket.CreatedAt, stored.CreatedAt);
        AssertInstant(ticket.ExpiresAt, stored.ExpiresAt);
        Assert.Null(stored.UsedAt);
        Assert.Equal(0, stored.FailedAttempts);

        var message = Assert.Single(await With(db => db.OutboxMessages.AsNoTracking().ToListAsync(Ct)));
        Assert.Equal(link.Id, message.Id);
        Assert.Equal("password-reset", message.Template);
        Assert.Null(message.SentAt);
        var recorded = await With(db => db.SecurityEvents.AsNoTracking().SingleAsync(e => e.Id == requested.Id, Ct));
        Assert.Equal(SecurityEventKind.PasswordResetRequested, recorded.Kind);

        Assert.Null(await Recovery(s => s.FindBySecretHashAsync(NewHash(), Ct)));
    }

    [Fact]
    public async Task AddTicket_stores_a_decoy_without_account_or_message()
    {
        var decoy = NewTicket(null, MessageChannel.Sms, T0);
        await Recovery(s => s.AddTicketAsync(decoy, [], NewEvent(null, SecurityEventKind.PasswordResetRequested), Ct));

        var stored = await Recovery(s => s.FindBySecretHashAsync(decoy.SecretHash, Ct));
        Assert.NotNull(stored);
        Assert.Null(stored.AccountId);
        Assert.Null(stored.Destination);
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
    }

    [Fact]
    public async Task AddTicket_is_all_or_nothing_when_the_event_cannot_be_written()
    {
        var alice = await NewAccountAsync("alice");
        var first = NewEvent(alice.Id, SecurityEventKind.PasswordResetRequested);
        await Recovery(s => s.AddTicketAsync(NewTicket(alice, MessageChannel.Email, T0), [NewMessage(MessageChannel.Email, "password-reset", alice.Email!)], first, Ct));

        // The same event id again: the insert fails, so neither the ticket nor the message may remain.
        var second = NewTicket(alice, MessageChannel.Email, T0.AddMinutes(2));
        var duplicate = NewEvent(alice.Id, SecurityEventKind.PasswordResetRequested);
        duplicate.Id = first.Id;
        await Assert.ThrowsAnyAsync<DbUpdateException>(() =>
            Recovery(s => s.AddTicketAsync(second, [NewMessage(MessageChannel.Email, "password-reset", alice.Email!)], duplicate, Ct)));

        Assert.Null(await Recovery(s => s.FindBySecretHashAsync(second.SecretHash, Ct)));
        Assert.Equal(1, await With(db => db.ResetTickets.CountAsync(Ct)));
        Assert.Equal(1, await With(db => db.OutboxMessages.CountAsync(Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
    }

    [Fact]
    public async Task LatestForBrowser_is_the_newest_code_ticket_of_that_browser()
    {
        var alice = await NewAccountAsync("alice");
        var browser = NewHash();
        var older = NewTicket(alice, MessageChannel.Sms, T0, browser);
        var newest = NewTicket(null, MessageChannel.Sms, T0.AddMinutes(2), browser);
        var emailLater = NewTicket(alice, MessageChannel.Email, T0.AddMinutes(5), browser); // links are not looked up by browser
        var otherBrowser = NewTicket(alice, MessageChannel.Sms, T0.AddMinutes(9), NewHash());
        foreach (var t in new[] { newest, older, emailLater, otherBrowser })
            await AddAsync(t);

        Assert.Equal(newest.Id, (await Recovery(s => s.LatestForBrowserAsync(browser, Ct)))?.Id);
        Assert.Equal(otherBrowser.Id, (await Recovery(s => s.LatestForBrowserAsync(otherBrowser.BrowserBindingHash!, Ct)))?.Id);
        Assert.Null(await Recovery(s => s.LatestForBrowserAsync(NewHash(), Ct)));
    }

    [Fact]
    public async Task RecentByKey_lists_the_tickets_for_that_identifier_since_the_given_moment()
    {
        var alice = await NewAccountAsync("alice");
        var tooOld = NewTicket(alice, MessageChannel.Email, T0.AddMinutes(-61), key: "ALICE");
        var atSince = NewTicket(alice, MessageChannel.Email, T0.AddMinutes(-60), key: "ALICE");
        var recent = NewTicket(null, MessageChannel.Sms, T0, key: "ALICE");
        var otherKey = NewTicket(alice, MessageChannel.Email, T0, key: "ALICE@EXAMPLE.COM");
        foreach (var t in new[] { tooOld, atSince, recent, otherKey })
            await AddAsync(t);

        var found = await Recovery(s => s.RecentByKeyAsync("ALICE", T0.AddMinutes(-60), Ct));
        Assert.Equal(new[] { atSince.Id, recent.Id }.Order(), found.Select(t => t.Id).Order());
        Assert.Empty(await Recovery(s => s.RecentByKeyAsync("BOB", T0.AddHours(-1), Ct)));
        Assert.Empty(await Recovery(s => s.RecentByKeyAsync("ALICE", T0.AddSeconds(1), Ct)));
    }

    [Fact]
    public async Task CountToDestination_counts_the_tickets_sent_to_that_address_since_the_given_moment()
    {
        var alice = await NewAccountAsync("alice");
        await AddAsync(NewTicket(alice, MessageChannel.Email, T0.AddHours(-2)));
        await AddAsync(NewTicket(alice, MessageChannel.Email, T0.AddMinutes(-59)));
        await AddAsync(NewTicket(alice, MessageChannel.Email, T0, key: "ALICE@EXAMPLE.COM"));
        var sms = NewTicket(alice, MessageChannel.Sms, T0);
        sms.Destination = "+442079460123";
        await AddAsync(sms);
        await AddAsync(NewTicket(null, MessageChannel.Email, T0)); // a decoy has no destination

        Assert.Equal(2, await Recovery(s => s.CountToDestinationAsync(alice.Email!, T0.AddHours(-1), Ct)));
        Assert.Equal(3, await Recovery(s => s.CountToDestinationAsync(alice.Email!, T0.AddHours(-3), Ct)));
        Assert.Equal(1, await Recovery(s => s.CountToDestinationAsync("+442079460123", T0.AddHours(-1), Ct)));
        Assert.Equal(0, await Recovery(s => s.CountToDestinationAsync("bob@example.com", T0.AddHours(-1), Ct)));
    }

    [Fact]
    public async Task TryCountAttempt_adds_one_to_that_ticket_only_up_to_the_limit_and_Uncount_takes_one_back()
    {
        var alice = await NewAccountAsync("alice");
        var ticket = NewTicket(alice, MessageChannel.Sms, T0, NewHash());
        var other = NewTicket(alice, MessageChannel.Sms, T0, NewHash());
        await AddAsync(ticket);
        await AddAsync(other);

        for (var expected = 1; expected <= 5; expected++)
        {
            var attempts = expected;
            Assert.Equal(attempts, await Recovery(s => s.TryCountAttemptAsync(ticket.Id, 5, Ct)));
        }
        Assert.Null(await Recovery(s => s.TryCountAttemptAsync(ticket.Id, 5, Ct)));
        Assert.Equal(5, (await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct)))!.FailedAttempts);
        Assert.Equal(0, (await Recovery(s => s.FindBySecretHashAsync(other.SecretHash, Ct)))!.FailedAttempts);

        await Recovery(s => s.UncountAttemptAsync(ticket.Id, Ct));
        Assert.Equal(4, (await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct)))!.FailedAttempts);
    }

    // --------------------------------------------------------------- completion

    [Fact]
    public async Task TryComplete_sets_the_password_uses_the_ticket_ends_every_session_and_writes_history_messages_and_event()
    {
        var alice = await NewAccountAsync("alice", emailConfirmed: false);
        var bob = await NewAccountAsync("bob");
        var aliceSessions = new[] { NewSession(alice.Id), NewSession(alice.Id) };
        var bobSession = NewSession(bob.Id);
        await With(async db =>
        {
            db.Sessions.AddRange([.. aliceSessions, bobSession]);
            // Three older passwords already in the history: with a length of 3, the oldest must go.
            for (var i = 1; i <= 3; i++)
                db.PasswordHistory.Add(NewHistory(alice.Id, T0.AddDays(-10 * i)));
            await db.SaveChangesAsync(Ct);
        });
        var ticket = NewTicket(alice, MessageChannel.Email, T0);
        await AddAsync(ticket);
        var at = T0.AddMinutes(3).AddTicks(7);
        var retired = NewHistory(alice.Id, at, alice.PasswordHash!);
        retired.ReplacedByOwner = false; // as a reset writes it
        var notice = NewMessage(MessageChannel.Email, "password-changed", alice.Email!);
        var reset = NewEvent(alice.Id, SecurityEventKind.PasswordReset);
        const string newHash = "$argon2id$v=19$m=19456,t=2,p=1$new";

        Assert.True(await Recovery(s => s.TryCompleteAsync(ticket, newHash, at, retired, 3, [notice], reset, Ct)));

        var account = await With(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct));
        Assert.Equal(newHash, account.PasswordHash);
        AssertInstant(at, account.PasswordChangedAt);
        Assert.NotEqual(alice.SecurityStamp, account.SecurityStamp);
        Assert.False(string.IsNullOrEmpty(account.SecurityStamp));
        Assert.True(account.EmailConfirmed);            // opening the emailed link proved the address
        AssertInstant(at, account.EmailVerifiedAt);

        AssertInstant(at, (await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct)))!.UsedAt);
        Assert.Equal(0, await With(db => db.Sessions.CountAsync(s => s.AccountId == alice.Id, Ct)));
        Assert.Equal([bobSession.Id], await With(db => db.Sessions.Select(s => s.Id).ToListAsync(Ct)));

        var history = await With(db => db.PasswordHistory.AsNoTracking().Where(h => h.AccountId == alice.Id)
            .OrderByDescending(h => h.ReplacedAt).ToListAsync(Ct));
        Assert.Equal(3, history.Count);
        Assert.Equal(retired.Id, history[0].Id);
        Assert.Equal(alice.PasswordHash, history[0].PasswordHash);
        Assert.False(history[0].ReplacedByOwner);
        AssertInstant(T0.AddDays(-10), history[1].ReplacedAt);
        AssertInstant(T0.AddDays(-20), history[2].ReplacedAt);   // the one from 30 days ago is gone

        Assert.Equal(notice.Id, (await With(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Template == "password-changed", Ct))).Id);
        Assert.Equal(SecurityEventKind.PasswordReset, (await With(db => db.SecurityEvents.AsNoTracking().SingleAsync(e => e.Id == reset.Id, Ct))).Kind);
    }

    [Fact]
    public async Task TryComplete_succeeds_once_a_second_call_returns_false_and_writes_nothing()
    {
        var alice = await NewAccountAsync("alice");
        var ticket = NewTicket(alice, MessageChannel.Email, T0);
        await AddAsync(ticket);
        Assert.True(await Recovery(s => s.TryCompleteAsync(ticket, "$first", T0.AddMinutes(1), NewHistory(alice.Id, T0.AddMinutes(1), alice.PasswordHash!), 3,
            [NewMessage(MessageChannel.Email, "password-changed", alice.Email!)], NewEvent(alice.Id, SecurityEventKind.PasswordReset), Ct)));
        var after = await SnapshotAsync(alice.Id);
        await With(async db => { db.Sessions.Add(NewSession(alice.Id)); await db.SaveChangesAsync(Ct); }); // signed in with the new password

        // The same ticket object as the caller read it before (UsedAt still null in memory).
        Assert.False(await Recovery(s => s.TryCompleteAsync(ticket, "$second", T0.AddMinutes(2), NewHistory(alice.Id, T0.AddMinutes(2), "$first"), 3,
            [NewMessage(MessageChannel.Email, "password-changed", alice.Email!)], NewEvent(alice.Id, SecurityEventKind.PasswordReset), Ct)));

        var now = await SnapshotAsync(alice.Id);
        Assert.Equal("$first", now.PasswordHash);
        Assert.Equal(after with { Sessions = 1 }, now);
        AssertInstant(T0.AddMinutes(1), (await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct)))!.UsedAt);
    }

    [Fact]
    public async Task TryComplete_run_twice_at_once_succeeds_exactly_once()
    {
        var alice = await NewAccountAsync("alice");
        var ticket = NewTicket(alice, MessageChannel.Email, T0);
        await AddAsync(ticket);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() =>
            Recovery(s => s.TryCompleteAsync(ticket, "$racer" + i, T0.AddMinutes(1), NewHistory(alice.Id, T0.AddMinutes(1), alice.PasswordHash!), 3,
                [NewMessage(MessageChannel.Email, "password-changed", alice.Email!)], NewEvent(alice.Id, SecurityEventKind.PasswordReset), Ct)), Ct)));

        Assert.Equal(1, results.Count(r => r));
        var winner = "$racer" + Array.IndexOf(results, true);
        var snapshot = await SnapshotAsync(alice.Id);
        Assert.Equal(winner, snapshot.PasswordHash);
        Assert.Equal(1, snapshot.Messages);
        Assert.Equal(1, snapshot.History);
    }

    [Fact]
    public async Task TryComplete_fails_and_writes_nothing_when_the_security_stamp_changed_since_the_request()
    {
        var alice = await NewAccountAsync("alice", emailConfirmed: false);
        await With(async db => { db.Sessions.Add(NewSession(alice.Id)); await db.SaveChangesAsync(Ct); });
        var ticket = NewTicket(alice, MessageChannel.Email, T0);
        await AddAsync(ticket);
        // A password change in between (the stamp moves on).
        await With(db => db.Users.Where(a => a.Id == alice.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.SecurityStamp, "changed-meanwhile").SetProperty(a => a.PasswordHash, "$changed"), Ct));
        var before = await SnapshotAsync(alice.Id);

        Assert.False(await Recovery(s => s.TryCompleteAsync(ticket, "$reset", T0.AddMinutes(1), NewHistory(alice.Id, T0.AddMinutes(1), "$changed"), 3,
            [NewMessage(MessageChannel.Email, "password-changed", alice.Email!)], NewEvent(alice.Id, SecurityEventKind.PasswordReset), Ct)));

        Assert.Equal(before, await SnapshotAsync(alice.Id));
        Assert.Equal("$changed", before.PasswordHash);
        // Rolled back: the ticket was not marked used either.
        Assert.Null((await Recovery(s => s.FindBySecretHashAsync(ticket.SecretHash, Ct)))!.UsedAt);
    }

    [Fact]
    public async Task TryComplete_with_a_code_ticket_does_not_confirm_the_email_address()
    {
        var alice = await NewAccountAsync("alice", emailConfirmed: false);
        var ticket = NewTicket(alice, MessageChannel.Sms, T0, NewHash());
        ticket.Destination = "+442079460123";
        await AddAsync(ticket);

        Assert.True(await Recovery(s => s.TryCompleteAsync(ticket, "$bysms", T0.AddMinutes(1), NewHistory(alice.Id, T0.AddMinutes(1), alice.PasswordHash!), 3,
            [], NewEvent(alice.Id, SecurityEventKind.PasswordReset), Ct)));

        var account = await With(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct));
        Assert.Equal("$bysms", account.PasswordHash);
        Assert.False(account.EmailConfirmed);
        Assert.Null(account.EmailVerifiedAt);
    }

    [Fact]
    public async Task TryComplete_refuses_a_decoy_ticket()
    {
        var decoy = NewTicket(null, MessageChannel.Sms, T0, NewHash());
        await AddAsync(decoy);
        Assert.False(await Recovery(s => s.TryCompleteAsync(decoy, "$x", T0, NewHistory(Guid.NewGuid(), T0), 3, [], NewEvent(null, SecurityEventKind.PasswordReset), Ct)));
        Assert.Null((await Recovery(s => s.FindBySecretHashAsync(decoy.SecretHash, Ct)))!.UsedAt);
        Assert.Equal(0, await With(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.PasswordReset, Ct)));
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> Recovery<T>(Func<EfRecoveryStore, Task<T>> action) => With(db => action(new EfRecoveryStore(db)));
    private Task Recovery(Func<EfRecoveryStore, Task> action) => With(db => action(new EfRecoveryStore(db)));

    private Task AddAsync(ResetTicket ticket) =>
        Recovery(s => s.AddTicketAsync(ticket, [], NewEvent(ticket.AccountId, SecurityEventKind.PasswordResetRequested), Ct));

    private sealed record Snapshot(string? PasswordHash, string? SecurityStamp, bool EmailConfirmed, int Sessions, int History, int Messages, int ResetEvents);

    private Task<Snapshot> SnapshotAsync(Guid accountId) => With(async db =>
    {
        var a = await db.Users.AsNoTracking().SingleAsync(x => x.Id == accountId, Ct);
        return new Snapshot(a.PasswordHash, a.SecurityStamp, a.EmailConfirmed,
            await db.Sessions.CountAsync(s => s.AccountId == accountId, Ct),
            await db.PasswordHistory.CountAsync(h => h.AccountId == accountId, Ct),
            await db.OutboxMessages.CountAsync(Ct),
            await db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.PasswordReset, Ct));
    });

    private async Task<Account> NewAccountAsync(string username, bool emailConfirmed = true)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        account.EmailConfirmed = emailConfirmed;
        account.PasswordChangedAt = account.CreatedAt;
        await AddAsync(account);
        return account;
    }

    private static ResetTicket NewTicket(Account? account, MessageChannel channel, DateTimeOffset at, string? browser = null, string? key = null) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = account?.Id,
        Channel = channel,
        RequestKey = key ?? account?.NormalizedUserName ?? "NOBODY",
        SecretHash = NewHash(),
        BrowserBindingHash = browser,
        SecurityStamp = account?.SecurityStamp,
        Destination = account is null ? null : channel == MessageChannel.Email ? account.Email : "+442079460123",
        CreatedAt = at,
        ExpiresAt = at + (channel == MessageChannel.Email ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(10)),
    };

    private static OutboxMessage NewMessage(MessageChannel channel, string template, string to) => TestRows.Message(channel, template, to, T0);

    private static SecurityEvent NewEvent(Guid? accountId, SecurityEventKind kind) => TestRows.Event(accountId, kind, T0);

    private static PasswordHistoryEntry NewHistory(Guid accountId, DateTimeOffset replacedAt, string? hash = null) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = accountId,
        PasswordHash = hash ?? "$old$" + NewHash(),
        ReplacedAt = replacedAt,
        ReplacedByOwner = true,
    };

    private static Session NewSession(Guid accountId) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = accountId,
        TokenHash = NewHash(),
        CreatedAt = T0,
        LastSeenAt = T0,
        ExpiresAt = T0.AddHours(24),
    };

    private static string NewHash() => TestRows.Hash();

}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteRecoveryStoreSpecification() : RecoveryStoreSpecification(new SqliteTestDatabase("recovery"));
public sealed class PostgresRecoveryStoreSpecification() : RecoveryStoreSpecification(new PostgresTestDatabase("recovery"));
