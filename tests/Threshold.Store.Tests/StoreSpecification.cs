using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;
using Threshold.Core.Sessions;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for Threshold's stores. Set up by
/// <see cref="DatabaseSpecification"/>: a fresh, migrated database per test, every read
/// through a new context; <see cref="SqliteStoreSpecification"/> and
/// <see cref="PostgresStoreSpecification"/> pick the provider.
/// </summary>
public abstract partial class StoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    /// <summary>A moment on a whole second, so range tests do not depend on a provider's precision.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    // ------------------------------------------------------------------ schema

    [Fact]
    public async Task Migrations_apply_cleanly_and_match_the_model()
    {
        await using var db = NewContext();
        var migrations = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.Equal(migrations, await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes that no migration of this provider captures: add a migration.");

        // Migrating an up-to-date database is a no-op, and every table is there and empty.
        await db.Database.MigrateAsync(Ct);
        Assert.Equal(0, await db.Users.CountAsync(Ct));
        Assert.Equal(0, await db.EmailVerifications.CountAsync(Ct));
        Assert.Equal(0, await db.Sessions.CountAsync(Ct));
        Assert.Equal(0, await db.OutboxMessages.CountAsync(Ct));
        Assert.Equal(0, await db.SecurityEvents.CountAsync(Ct));
        Assert.Equal(0, await db.DataProtectionKeys.CountAsync(Ct));
    }

    // ---------------------------------------------------------------- accounts

    [Fact]
    public async Task TryCreate_stores_the_account_its_verification_message_and_event_together()
    {
        var r = NewRegistration("Alice.B", "Alice@Example.com", T0.AddTicks(1234567));

        Assert.True(await Accounts(s => s.TryCreateAsync(r.Account, r.Verification, [r.Welcome], r.Event, Ct)));

        var account = await Accounts(s => s.FindByIdAsync(r.Account.Id, Ct));
        Assert.NotNull(account);
        Assert.Equal("Alice.B", account.UserName);
        Assert.Equal("ALICE.B", account.NormalizedUserName);
        Assert.Equal("Alice@Example.com", account.Email);
        Assert.Equal("ALICE@EXAMPLE.COM", account.NormalizedEmail);
        Assert.Equal(r.Account.PasswordHash, account.PasswordHash);
        Assert.Equal(r.Account.SecurityStamp, account.SecurityStamp);
        Assert.False(account.EmailConfirmed);
        Assert.Null(account.EmailVerifiedAt);
        AssertInstant(r.Account.CreatedAt, account.CreatedAt);
        AssertInstant(r.Account.PasswordChangedAt!.Value, account.PasswordChangedAt);

        var verification = await Accounts(s => s.FindVerificationAsync(r.Verification.TokenHash, Ct));
        Assert.NotNull(verification);
        Assert.Equal(r.Verification.Id, verification.Id);
        Assert.Equal(r.Account.Id, verification.AccountId);
        Assert.Equal("ALICE@EXAMPLE.COM", verification.NormalizedEmail);
        Assert.Equal(r.Verification.BrowserBindingHash, verification.BrowserBindingHash);
        AssertInstant(r.Verification.ExpiresAt, verification.ExpiresAt);
        Assert.Null(verification.UsedAt);

        var message = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)));
        Assert.Equal(r.Welcome.Id, message.Id);
        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal("welcome", message.Template);
        Assert.Equal("Alice@Example.com", message.To);
        Assert.Equal(r.Welcome.Subject, message.Subject);
        Assert.Equal(r.Welcome.TextBody, message.TextBody);
        Assert.Equal(r.Welcome.HtmlBody, message.HtmlBody);
        Assert.Equal(r.Welcome.ReferenceCode, message.ReferenceCode);
        Assert.Equal(0, message.Attempts);
        Assert.Null(message.SentAt);
        Assert.Null(message.LeasedUntil);

        var recorded = Assert.Single(await Events(s => s.ForAccountAsync(r.Account.Id, 10, Ct)));
        Assert.Equal(r.Event.Id, recorded.Id);
        Assert.Equal(SecurityEventKind.Registered, recorded.Kind);
        Assert.Equal(r.Event.ReferenceCode, recorded.ReferenceCode);
    }

    [Fact]
    public async Task FindByIdentifier_finds_an_account_by_normalized_email_and_by_normalized_username()
    {
        var alice = NewRegistration("alice", "Alice@Example.com", T0);
        var bob = NewRegistration("Bob.Smith", "bob@example.org", T0);
        await Create(alice);
        await Create(bob);

        Assert.Equal(alice.Account.Id, (await Accounts(s => s.FindByIdentifierAsync("ALICE@EXAMPLE.COM", Ct)))?.Id);
        Assert.Equal(alice.Account.Id, (await Accounts(s => s.FindByIdentifierAsync("ALICE", Ct)))?.Id);
        Assert.Equal(bob.Account.Id, (await Accounts(s => s.FindByIdentifierAsync("BOB@EXAMPLE.ORG", Ct)))?.Id);
        Assert.Equal(bob.Account.Id, (await Accounts(s => s.FindByIdentifierAsync("BOB.SMITH", Ct)))?.Id);
        Assert.Null(await Accounts(s => s.FindByIdentifierAsync("CAROL", Ct)));
        Assert.Null(await Accounts(s => s.FindByIdentifierAsync("CAROL@EXAMPLE.COM", Ct)));
        Assert.Null(await Accounts(s => s.FindByIdAsync(Guid.NewGuid(), Ct)));
    }

    [Theory]
    [InlineData("alice2", "alice@example.com")]   // same email
    [InlineData("alice2", "ALICE@Example.COM")]   // same email, other case
    [InlineData("alice", "other@example.com")]    // same username
    [InlineData("ALICE", "other@example.com")]    // username differing only in case
    [InlineData("Alice", "alice@example.com")]    // both
    public async Task TryCreate_returns_false_and_writes_nothing_when_an_identifier_is_taken(string username, string email)
    {
        var first = NewRegistration("alice", "alice@example.com", T0);
        await Create(first);
        var second = NewRegistration(username, email, T0.AddMinutes(1));

        await using var db = NewContext();
        var store = new EfAccountStore(db);
        Assert.False(await store.TryCreateAsync(second.Account, second.Verification, [second.Welcome], second.Event, Ct));

        Assert.Equal(1, await Count(db => db.Users));
        Assert.Equal(1, await Count(db => db.EmailVerifications));
        Assert.Equal(1, await Count(db => db.OutboxMessages));
        Assert.Equal(1, await Count(db => db.SecurityEvents));
        Assert.Null(await Accounts(s => s.FindByIdAsync(second.Account.Id, Ct)));
        Assert.Null(await Accounts(s => s.FindVerificationAsync(second.Verification.TokenHash, Ct)));
        Assert.Null(await Events(s => s.FindByReferenceAsync(second.Event.ReferenceCode, Ct)));
        Assert.Equal(first.Welcome.Id, Assert.Single(await Outbox(s => s.RecentAsync(10, Ct))).Id);
        Assert.Equal(first.Account.Id, (await Accounts(s => s.FindByIdentifierAsync("ALICE", Ct)))?.Id);

        // The same store (a scoped context in the app) stays usable after the refusal.
        var third = NewRegistration("carol", "carol@example.com", T0.AddMinutes(2));
        Assert.True(await store.TryCreateAsync(third.Account, third.Verification, [third.Welcome], third.Event, Ct));
        Assert.Equal(2, await Count(db => db.Users));
        Assert.Equal(2, await Count(db => db.OutboxMessages));
    }

    [Fact]
    public async Task UpdatePasswordHash_keeps_PasswordChangedAt_without_a_time_and_sets_it_with_one()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        bob.Account.PasswordChangedAt = null;
        await Create(alice);
        await Create(bob);

        // A rehash (new parameters, same password) is not a password change.
        await Accounts(s => s.UpdatePasswordHashAsync(alice.Account.Id, "rehashed", null, Ct));
        var account = await Accounts(s => s.FindByIdAsync(alice.Account.Id, Ct));
        Assert.Equal("rehashed", account?.PasswordHash);
        AssertInstant(T0, account?.PasswordChangedAt);

        var changedAt = T0.AddDays(3).AddTicks(7654321);
        await Accounts(s => s.UpdatePasswordHashAsync(alice.Account.Id, "changed", changedAt, Ct));
        account = await Accounts(s => s.FindByIdAsync(alice.Account.Id, Ct));
        Assert.Equal("changed", account?.PasswordHash);
        AssertInstant(changedAt, account?.PasswordChangedAt);

        // A null time on a null column stays null; the other account was never touched.
        await Accounts(s => s.UpdatePasswordHashAsync(bob.Account.Id, "bob-rehashed", null, Ct));
        var other = await Accounts(s => s.FindByIdAsync(bob.Account.Id, Ct));
        Assert.Equal("bob-rehashed", other?.PasswordHash);
        Assert.Null(other?.PasswordChangedAt);
        await Accounts(s => s.UpdatePasswordHashAsync(bob.Account.Id, "bob-changed", changedAt.AddHours(1), Ct));
        Assert.Equal("changed", (await Accounts(s => s.FindByIdAsync(alice.Account.Id, Ct)))?.PasswordHash);
        AssertInstant(changedAt, (await Accounts(s => s.FindByIdAsync(alice.Account.Id, Ct)))?.PasswordChangedAt);
    }

    [Fact]
    public async Task TryConsumeVerification_succeeds_once_and_marks_the_address_verified()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        var other = NewRegistration("bob", "bob@example.com", T0);
        await Create(r);
        await Create(other);
        var at = T0.AddMinutes(5).AddTicks(4242421);

        Assert.True(await Accounts(s => s.TryConsumeVerificationAsync(r.Verification.Id, at, Ct)));

        var account = await Accounts(s => s.FindByIdAsync(r.Account.Id, Ct));
        Assert.True(account?.EmailConfirmed);
        AssertInstant(at, account?.EmailVerifiedAt);
        AssertInstant(at, (await Accounts(s => s.FindVerificationAsync(r.Verification.TokenHash, Ct)))?.UsedAt);

        // A replay (double click, second tab) changes nothing.
        Assert.False(await Accounts(s => s.TryConsumeVerificationAsync(r.Verification.Id, at.AddMinutes(1), Ct)));
        account = await Accounts(s => s.FindByIdAsync(r.Account.Id, Ct));
        AssertInstant(at, account?.EmailVerifiedAt);
        AssertInstant(at, (await Accounts(s => s.FindVerificationAsync(r.Verification.TokenHash, Ct)))?.UsedAt);

        Assert.False(await Accounts(s => s.TryConsumeVerificationAsync(Guid.NewGuid(), at, Ct)));
        var untouched = await Accounts(s => s.FindByIdAsync(other.Account.Id, Ct));
        Assert.False(untouched?.EmailConfirmed);
        Assert.Null(untouched?.EmailVerifiedAt);
    }

    [Fact]
    public async Task TryConsumeVerification_lets_exactly_one_of_several_concurrent_attempts_win()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Accounts(s => s.TryConsumeVerificationAsync(r.Verification.Id, T0.AddSeconds(i + 1), Ct)), Ct)));

        Assert.Single(results, won => won);
        var account = await Accounts(s => s.FindByIdAsync(r.Account.Id, Ct));
        var usedAt = (await Accounts(s => s.FindVerificationAsync(r.Verification.TokenHash, Ct)))?.UsedAt;
        Assert.True(account?.EmailConfirmed);
        Assert.NotNull(usedAt);
        Assert.Equal(usedAt, account?.EmailVerifiedAt);
    }

    [Fact]
    public async Task RecordAsync_writes_the_messages_and_the_event_in_one_transaction()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);
        var m1 = NewMessage(MessageChannel.Email, T0.AddMinutes(1));
        var m2 = NewMessage(MessageChannel.Sms, T0.AddMinutes(1));
        var e1 = NewEvent(r.Account.Id, SecurityEventKind.PasswordChanged, T0.AddMinutes(1));

        await Accounts(s => s.RecordAsync([m1, m2], e1, Ct));
        Assert.Equal(3, await Count(db => db.OutboxMessages));
        Assert.NotNull(await Events(s => s.FindByReferenceAsync(e1.ReferenceCode, Ct)));

        // A batch that fails part-way leaves nothing behind: m3 and e2 are rolled back with the duplicate.
        var m3 = NewMessage(MessageChannel.Email, T0.AddMinutes(2));
        var duplicate = NewMessage(MessageChannel.Email, T0.AddMinutes(2));
        duplicate.Id = m1.Id;
        var e2 = NewEvent(r.Account.Id, SecurityEventKind.PasswordChanged, T0.AddMinutes(2));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Accounts(s => s.RecordAsync([m3, duplicate], e2, Ct)));

        Assert.Equal(3, await Count(db => db.OutboxMessages));
        Assert.Equal(2, await Count(db => db.SecurityEvents));
        Assert.DoesNotContain(await Outbox(s => s.RecentAsync(10, Ct)), m => m.Id == m3.Id);
        Assert.Null(await Events(s => s.FindByReferenceAsync(e2.ReferenceCode, Ct)));
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_sessions_and_verifications()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        await Create(alice);
        await Create(bob);
        var aliceSessions = new[] { NewSession(alice.Account.Id, T0), NewSession(alice.Account.Id, T0.AddHours(1)) };
        var bobSession = NewSession(bob.Account.Id, T0);
        foreach (var session in aliceSessions.Append(bobSession))
            await Sessions(s => s.CreateAsync(session, Ct));

        // A set-based delete: the database itself must cascade, not EF's change tracker.
        await using (var db = NewContext())
            Assert.Equal(1, await db.Users.Where(a => a.Id == alice.Account.Id).ExecuteDeleteAsync(Ct));

        Assert.Null(await Accounts(s => s.FindByIdAsync(alice.Account.Id, Ct)));
        Assert.Empty(await Sessions(s => s.ForAccountAsync(alice.Account.Id, Ct)));
        foreach (var session in aliceSessions)
            Assert.Null(await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct)));
        Assert.Null(await Accounts(s => s.FindVerificationAsync(alice.Verification.TokenHash, Ct)));
        Assert.Equal(1, await Count(db => db.EmailVerifications));

        Assert.NotNull(await Accounts(s => s.FindByIdAsync(bob.Account.Id, Ct)));
        Assert.Equal(bobSession.Id, (await Sessions(s => s.FindByTokenHashAsync(bobSession.TokenHash, Ct)))?.Id);
        Assert.NotNull(await Accounts(s => s.FindVerificationAsync(bob.Verification.TokenHash, Ct)));
    }

    // ------------------------------------------------------------------- time

    [Fact]
    public async Task DateTimeOffset_values_round_trip_in_utc_at_the_providers_precision()
    {
        DateTimeOffset[] instants =
        [
            T0.AddTicks(5358979),                                              // sub-microsecond digits
            new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1),
            new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9999999),
            new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero),           // summer, whole second
        ];
        var r = NewRegistration("alice", "alice@example.com", instants[0]);
        await Create(r);

        foreach (var at in instants)
        {
            var session = NewSession(r.Account.Id, at);
            session.ExpiresAt = at.AddTicks(-1);
            await Sessions(s => s.CreateAsync(session, Ct));
            var stored = await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct));
            Assert.NotNull(stored);
            AssertInstant(at, stored.CreatedAt);
            AssertInstant(at, stored.LastSeenAt);
            AssertInstant(at.AddTicks(-1), stored.ExpiresAt);

            var message = NewMessage(MessageChannel.Email, at);
            await Outbox(s => s.EnqueueAsync(message, Ct));
            var storedMessage = Assert.Single(await Outbox(s => s.RecentAsync(100, Ct)), m => m.Id == message.Id);
            AssertInstant(at, storedMessage.CreatedAt);
            AssertInstant(at, storedMessage.NextAttemptAt);

            var securityEvent = NewEvent(r.Account.Id, SecurityEventKind.SignInSucceeded, at);
            await Events(s => s.RecordAsync(securityEvent, Ct));
            AssertInstant(at, (await Events(s => s.FindByReferenceAsync(securityEvent.ReferenceCode, Ct)))?.At);
        }

        AssertInstant(instants[0], (await Accounts(s => s.FindByIdAsync(r.Account.Id, Ct)))?.CreatedAt);
    }

    // ----------------------------------------------------------------- outbox

    [Fact]
    public async Task ClaimDue_returns_only_due_unsent_messages_of_the_channel_oldest_first_up_to_max()
    {
        var now = T0;
        var oldest = NewMessage(MessageChannel.Email, now.AddMinutes(-10));
        var older = NewMessage(MessageChannel.Email, now.AddSeconds(-1));
        var exactlyNow = NewMessage(MessageChannel.Email, now);
        var soon = NewMessage(MessageChannel.Email, now.AddMilliseconds(1));
        var later = NewMessage(MessageChannel.Email, now.AddHours(1));
        var sms = NewMessage(MessageChannel.Sms, now.AddHours(-1));
        foreach (var m in new[] { later, exactlyNow, sms, soon, oldest, older })
            await Outbox(s => s.EnqueueAsync(m, Ct));

        var first = await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, now, Lease, 2, Ct));
        Assert.Equal([oldest.Id, older.Id], first.Select(m => m.Id));
        var second = await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, now, Lease, 10, Ct));
        Assert.Equal([exactlyNow.Id], second.Select(m => m.Id));
        Assert.Empty(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, now, Lease, 10, Ct)));

        Assert.Equal([sms.Id], (await Outbox(s => s.ClaimDueAsync(MessageChannel.Sms, now, Lease, 10, Ct))).Select(m => m.Id));

        // The claimed copy carries what the sender needs.
        var claimed = first[0];
        Assert.Equal(oldest.To, claimed.To);
        Assert.Equal(oldest.TextBody, claimed.TextBody);
        Assert.Equal(oldest.Template, claimed.Template);
        Assert.Equal(0, claimed.Attempts);
    }

    [Fact]
    public async Task A_claimed_message_is_leased_until_the_lease_expires()
    {
        var clock = new FakeTimeProvider(T0);
        var message = NewMessage(MessageChannel.Email, T0);
        await Outbox(s => s.EnqueueAsync(message, Ct));

        Assert.Single(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, clock.GetUtcNow(), Lease, 10, Ct)));
        var leased = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)));
        AssertInstant(T0 + Lease, leased.LeasedUntil);

        // Another sender at the same moment, or while the lease runs, gets nothing.
        Assert.Empty(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, clock.GetUtcNow(), Lease, 10, Ct)));
        clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, clock.GetUtcNow(), Lease, 10, Ct)));

        // A sender that died holding the lease does not strand the message.
        clock.Advance(TimeSpan.FromSeconds(2));
        var again = Assert.Single(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, clock.GetUtcNow(), Lease, 10, Ct)));
        Assert.Equal(message.Id, again.Id);
        Assert.Empty(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, clock.GetUtcNow(), Lease, 10, Ct)));
    }

    [Fact]
    public async Task Concurrent_claims_never_hand_the_same_message_to_two_senders()
    {
        var messages = Enumerable.Range(0, 30).Select(i => NewMessage(MessageChannel.Email, T0.AddSeconds(-i))).ToList();
        foreach (var m in messages)
            await Outbox(s => s.EnqueueAsync(m, Ct));

        var claims = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            Outbox(s => s.ClaimDueAsync(MessageChannel.Email, T0, Lease, 30, Ct)), Ct)));

        var ids = claims.SelectMany(c => c.Select(m => m.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(messages.Select(m => m.Id).Order(), ids.Order());
    }

    [Fact]
    public async Task MarkSent_records_the_time_drops_the_bodies_and_the_message_is_never_claimed_again()
    {
        var message = NewMessage(MessageChannel.Email, T0);
        var other = NewMessage(MessageChannel.Email, T0);
        await Outbox(s => s.EnqueueAsync(message, Ct));
        await Outbox(s => s.EnqueueAsync(other, Ct));
        Assert.Equal(2, (await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, T0, Lease, 10, Ct))).Count);

        var sentAt = T0.AddSeconds(3).AddTicks(1234567);
        await Outbox(s => s.MarkSentAsync(message.Id, sentAt, Ct));

        var stored = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)), m => m.Id == message.Id);
        AssertInstant(sentAt, stored.SentAt);
        Assert.Equal("", stored.TextBody);
        Assert.Null(stored.HtmlBody);
        Assert.Null(stored.LeasedUntil);
        Assert.Equal(message.Subject, stored.Subject);
        Assert.Equal(message.ReferenceCode, stored.ReferenceCode);

        var untouched = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)), m => m.Id == other.Id);
        Assert.Equal(other.TextBody, untouched.TextBody);
        Assert.Null(untouched.SentAt);

        // Long after every lease ran out, only the unsent one comes back.
        var reclaimed = await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, T0.AddDays(365), Lease, 10, Ct));
        Assert.Equal([other.Id], reclaimed.Select(m => m.Id));
    }

    [Fact]
    public async Task MarkFailed_records_the_attempt_and_releases_the_lease_until_the_next_attempt()
    {
        var message = NewMessage(MessageChannel.Email, T0);
        await Outbox(s => s.EnqueueAsync(message, Ct));
        Assert.Single(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, T0, Lease, 10, Ct)));

        var next = T0.AddSeconds(30);
        await Outbox(s => s.MarkFailedAsync(message.Id, 1, next, "SmtpCommandException: 451 try again later", Ct));

        var stored = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)));
        Assert.Equal(1, stored.Attempts);
        AssertInstant(next, stored.NextAttemptAt);
        Assert.Equal("SmtpCommandException: 451 try again later", stored.LastError);
        Assert.Null(stored.LeasedUntil);
        Assert.Null(stored.SentAt);
        Assert.Equal(message.TextBody, stored.TextBody);

        // Not before the next attempt; then at once, although the old lease would still run until T0 + 2 min.
        Assert.Empty(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, next.AddSeconds(-1), Lease, 10, Ct)));
        var retry = Assert.Single(await Outbox(s => s.ClaimDueAsync(MessageChannel.Email, next, Lease, 10, Ct)));
        Assert.Equal(1, retry.Attempts);   // the dispatcher counts on from here

        var longError = new string('x', 5000);
        await Outbox(s => s.MarkFailedAsync(message.Id, 2, next.AddMinutes(1), longError, Ct));
        stored = Assert.Single(await Outbox(s => s.RecentAsync(10, Ct)));
        Assert.Equal(2, stored.Attempts);
        Assert.Equal(new string('x', 1024), stored.LastError);
    }

    [Fact]
    public async Task Recent_lists_the_newest_messages_first_up_to_take()
    {
        var a = NewMessage(MessageChannel.Email, T0);
        var b = NewMessage(MessageChannel.Sms, T0.AddSeconds(1));
        var c = NewMessage(MessageChannel.Email, T0.AddSeconds(2));
        var d = NewMessage(MessageChannel.Email, T0.AddDays(-1));
        foreach (var m in new[] { b, d, c, a })
            await Outbox(s => s.EnqueueAsync(m, Ct));

        Assert.Equal([c.Id, b.Id, a.Id], (await Outbox(s => s.RecentAsync(3, Ct))).Select(m => m.Id));
        Assert.Equal([c.Id, b.Id, a.Id, d.Id], (await Outbox(s => s.RecentAsync(10, Ct))).Select(m => m.Id));
    }

    // --------------------------------------------------------------- sessions

    [Fact]
    public async Task A_created_session_is_found_by_its_token_hash()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);
        var session = NewSession(r.Account.Id, T0.AddTicks(30));
        session.Persistent = true;
        session.IpAddress = "2001:db8:85a3::8a2e:370:7334";
        session.UserAgent = new string('u', SecurityEvent.MaxTextLength);

        await Sessions(s => s.CreateAsync(session, Ct));

        var stored = await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct));
        Assert.NotNull(stored);
        Assert.Equal(session.Id, stored.Id);
        Assert.Equal(r.Account.Id, stored.AccountId);
        Assert.True(stored.Persistent);
        Assert.Equal(session.IpAddress, stored.IpAddress);
        Assert.Equal(session.UserAgent, stored.UserAgent);
        AssertInstant(session.CreatedAt, stored.CreatedAt);
        AssertInstant(session.LastSeenAt, stored.LastSeenAt);
        AssertInstant(session.ExpiresAt, stored.ExpiresAt);
        Assert.Null(await Sessions(s => s.FindByTokenHashAsync(NewTokenHash(), Ct)));
    }

    [Fact]
    public async Task A_token_hash_belongs_to_one_session_only()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);
        var session = NewSession(r.Account.Id, T0);
        await Sessions(s => s.CreateAsync(session, Ct));

        var clash = NewSession(r.Account.Id, T0.AddMinutes(1));
        clash.TokenHash = session.TokenHash;
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Sessions(s => s.CreateAsync(clash, Ct)));
        Assert.Equal(session.Id, Assert.Single(await Sessions(s => s.ForAccountAsync(r.Account.Id, Ct))).Id);
    }

    [Fact]
    public async Task Touch_moves_LastSeenAt_only_and_Delete_removes_only_that_session()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);
        var session = NewSession(r.Account.Id, T0);
        var other = NewSession(r.Account.Id, T0);
        await Sessions(s => s.CreateAsync(session, Ct));
        await Sessions(s => s.CreateAsync(other, Ct));

        var seen = T0.AddMinutes(7).AddTicks(77);
        await Sessions(s => s.TouchAsync(session.Id, seen, Ct));
        var touched = await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct));
        Assert.NotNull(touched);
        AssertInstant(seen, touched.LastSeenAt);
        AssertInstant(session.CreatedAt, touched.CreatedAt);
        AssertInstant(session.ExpiresAt, touched.ExpiresAt);
        AssertInstant(T0, (await Sessions(s => s.FindByTokenHashAsync(other.TokenHash, Ct)))?.LastSeenAt);

        await Sessions(s => s.DeleteAsync(session.Id, Ct));
        Assert.Null(await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct)));
        Assert.Equal(other.Id, Assert.Single(await Sessions(s => s.ForAccountAsync(r.Account.Id, Ct))).Id);

        // Deleting again, or touching a deleted session, is harmless.
        await Sessions(s => s.DeleteAsync(session.Id, Ct));
        await Sessions(s => s.TouchAsync(session.Id, seen.AddMinutes(1), Ct));
        Assert.Null(await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct)));
    }

    [Fact]
    public async Task ForAccount_lists_the_accounts_sessions_most_recently_seen_first()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        await Create(alice);
        await Create(bob);
        var s0 = NewSession(alice.Account.Id, T0);
        var s2 = NewSession(alice.Account.Id, T0.AddHours(2));
        var s1 = NewSession(alice.Account.Id, T0.AddHours(1));
        var bobs = NewSession(bob.Account.Id, T0.AddHours(5));
        foreach (var s in new[] { s0, s2, bobs, s1 })
            await Sessions(store => store.CreateAsync(s, Ct));

        Assert.Equal([s2.Id, s1.Id, s0.Id], (await Sessions(s => s.ForAccountAsync(alice.Account.Id, Ct))).Select(s => s.Id));

        await Sessions(s => s.TouchAsync(s0.Id, T0.AddHours(3), Ct));
        Assert.Equal([s0.Id, s2.Id, s1.Id], (await Sessions(s => s.ForAccountAsync(alice.Account.Id, Ct))).Select(s => s.Id));
        Assert.Equal([bobs.Id], (await Sessions(s => s.ForAccountAsync(bob.Account.Id, Ct))).Select(s => s.Id));
        Assert.Empty(await Sessions(s => s.ForAccountAsync(Guid.NewGuid(), Ct)));
    }

    // ---------------------------------------------------------- security events

    [Fact]
    public async Task A_recorded_event_is_found_by_its_reference_code()
    {
        var r = NewRegistration("alice", "alice@example.com", T0);
        await Create(r);
        var failed = new SecurityEvent
        {
            Id = Guid.NewGuid(),
            At = T0.AddTicks(99),
            Kind = SecurityEventKind.SignInFailed,
            AccountId = r.Account.Id,
            Identifier = new string('i', SecurityEvent.MaxTextLength),
            Reason = "wrong_password",
            IpAddress = "203.0.113.7",
            UserAgent = new string('u', SecurityEvent.MaxTextLength),
            ReferenceCode = ReferenceCode.New(),
        };
        // Unknown identifiers are logged too, without an account.
        var unknown = NewEvent(null, SecurityEventKind.SignInFailed, T0);
        await Events(s => s.RecordAsync(failed, Ct));
        await Events(s => s.RecordAsync(unknown, Ct));

        var stored = await Events(s => s.FindByReferenceAsync(failed.ReferenceCode, Ct));
        Assert.NotNull(stored);
        Assert.Equal(failed.Id, stored.Id);
        Assert.Equal(SecurityEventKind.SignInFailed, stored.Kind);
        Assert.Equal(r.Account.Id, stored.AccountId);
        Assert.Equal(failed.Identifier, stored.Identifier);
        Assert.Equal("wrong_password", stored.Reason);
        Assert.Equal("203.0.113.7", stored.IpAddress);
        Assert.Equal(failed.UserAgent, stored.UserAgent);
        AssertInstant(failed.At, stored.At);

        var stranger = await Events(s => s.FindByReferenceAsync(unknown.ReferenceCode, Ct));
        Assert.Equal(unknown.Id, stranger?.Id);
        Assert.Null(stranger?.AccountId);
        Assert.Null(await Events(s => s.FindByReferenceAsync("ZZZZ-ZZZZ", Ct)));
    }

    [Fact]
    public async Task ForAccount_lists_the_accounts_events_newest_first_up_to_take()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        await Create(alice);   // records a Registered event at T0
        await Create(bob);
        var events = Enumerable.Range(1, 4)
            .Select(i => NewEvent(alice.Account.Id, SecurityEventKind.SignInSucceeded, T0.AddMinutes(i))).ToList();
        foreach (var e in new[] { events[2], events[0], events[3], events[1] })
            await Events(s => s.RecordAsync(e, Ct));
        var bobFailed = NewEvent(bob.Account.Id, SecurityEventKind.SignInFailed, T0.AddHours(1));
        await Events(s => s.RecordAsync(bobFailed, Ct));
        await Events(s => s.RecordAsync(NewEvent(null, SecurityEventKind.SignInFailed, T0.AddHours(1)), Ct));

        Assert.Equal([events[3].Id, events[2].Id, events[1].Id],
            (await Events(s => s.ForAccountAsync(alice.Account.Id, 3, Ct))).Select(e => e.Id));
        var all = await Events(s => s.ForAccountAsync(alice.Account.Id, 100, Ct));
        Assert.Equal([events[3].Id, events[2].Id, events[1].Id, events[0].Id, alice.Event.Id], all.Select(e => e.Id));
        Assert.Equal([bobFailed.Id, bob.Event.Id], (await Events(s => s.ForAccountAsync(bob.Account.Id, 100, Ct))).Select(e => e.Id));
        Assert.Empty(await Events(s => s.ForAccountAsync(Guid.NewGuid(), 100, Ct)));
    }

    // ---------------------------------------------------------------- helpers

    private Task<T> Accounts<T>(Func<EfAccountStore, Task<T>> action) => With(db => action(new EfAccountStore(db)));
    private Task Accounts(Func<EfAccountStore, Task> action) => With(db => action(new EfAccountStore(db)));
    private Task<T> Sessions<T>(Func<EfSessionStore, Task<T>> action) => With(db => action(new EfSessionStore(db)));
    private Task Sessions(Func<EfSessionStore, Task> action) => With(db => action(new EfSessionStore(db)));
    private Task<T> Outbox<T>(Func<EfOutboxStore, Task<T>> action) => With(db => action(new EfOutboxStore(db)));
    private Task Outbox(Func<EfOutboxStore, Task> action) => With(db => action(new EfOutboxStore(db)));
    private Task<T> Events<T>(Func<EfSecurityEventLog, Task<T>> action) => With(db => action(new EfSecurityEventLog(db)));
    private Task Events(Func<EfSecurityEventLog, Task> action) => With(db => action(new EfSecurityEventLog(db)));

    private Task<int> Count<TEntity>(Func<ThresholdDbContext, IQueryable<TEntity>> set) =>
        With(db => set(db).CountAsync(Ct));

    private async Task Create(Registration r) =>
        Assert.True(await Accounts(s => s.TryCreateAsync(r.Account, r.Verification, [r.Welcome], r.Event, Ct)),
            $"could not create {r.Account.UserName}");

    private sealed record Registration(Account Account, EmailVerification Verification, OutboxMessage Welcome, SecurityEvent Event);

    private static Registration NewRegistration(string username, string email, DateTimeOffset at)
    {
        // Just registered: the address is not verified yet.
        var account = TestRows.Account(username, at, email);
        account.EmailConfirmed = false;
        account.PasswordChangedAt = at;
        var verification = new EmailVerification
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            TokenHash = NewTokenHash(),
            BrowserBindingHash = NewTokenHash(),
            NormalizedEmail = account.NormalizedEmail!,
            CreatedAt = at,
            ExpiresAt = at.AddDays(1),
        };
        var welcome = NewMessage(MessageChannel.Email, at);
        welcome.Template = "welcome";
        welcome.To = email;
        return new(account, verification, welcome, NewEvent(account.Id, SecurityEventKind.Registered, at, email));
    }

    private static OutboxMessage NewMessage(MessageChannel channel, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        Channel = channel,
        Template = "test",
        To = channel == MessageChannel.Email ? "someone@example.com" : "+12025550100",
        Subject = "Subject " + Guid.NewGuid().ToString("N"),
        TextBody = "Text " + Guid.NewGuid().ToString("N"),
        HtmlBody = channel == MessageChannel.Email ? "<p>Html</p>" : null,
        ReferenceCode = ReferenceCode.New(),
        CreatedAt = at,
        NextAttemptAt = at,
    };

    private static SecurityEvent NewEvent(Guid? accountId, SecurityEventKind kind, DateTimeOffset at, string? identifier = null) =>
        TestRows.Event(accountId, kind, at, identifier);

    private static Session NewSession(Guid accountId, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = accountId,
        TokenHash = NewTokenHash(),
        CreatedAt = at,
        LastSeenAt = at,
        ExpiresAt = at.AddHours(24),
    };

    private static string NewTokenHash() => TestRows.Hash();
}
