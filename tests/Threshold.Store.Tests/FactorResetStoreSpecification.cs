using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Messaging;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfFactorResetStore"/>: a waiting two-step
/// reset is found by its cancel link and its account, is cancelled or completed exactly once (never
/// both, even when they race), comes due oldest first, and completing it removes every second factor
/// and ends every session in one transaction with its messages and event.
/// </summary>
public abstract class FactorResetStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromHours(24);
    private static readonly DateTimeOffset Due = T0 + Delay;

    [Fact]
    public async Task A_reset_is_found_by_its_cancel_token_hash_and_as_its_accounts_pending_one()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var reset = await AddResetAsync(alice, T0);

        var found = await Resets(s => s.FindByCancelTokenHashAsync(reset.CancelTokenHash, Ct));
        Assert.NotNull(found);
        Assert.Equal((reset.Id, alice.Id, reset.AgentId, reset.RequestNumber), (found.Id, found.AccountId, found.AgentId, found.RequestNumber));
        AssertInstant(reset.RequestedAt, found.RequestedAt);
        AssertInstant(reset.DueAt, found.DueAt);
        Assert.Null(await Resets(s => s.FindByCancelTokenHashAsync(TestRows.Hash(), Ct)));

        Assert.Equal(reset.Id, (await Resets(s => s.PendingForAccountAsync(alice.Id, Ct)))?.Id);
        Assert.Null(await Resets(s => s.PendingForAccountAsync(bob.Id, Ct)));
    }

    [Fact]
    public async Task A_reset_that_ended_is_still_found_by_its_link_but_is_no_longer_pending()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var cancelled = await AddResetAsync(alice, T0);
        var completed = await AddResetAsync(bob, T0);
        Assert.True(await Cancel(cancelled, T0.AddHours(1)));
        Assert.True(await Complete(completed, Due));

        // The link still says what became of it.
        AssertInstant(T0.AddHours(1), (await Resets(s => s.FindByCancelTokenHashAsync(cancelled.CancelTokenHash, Ct)))?.CancelledAt);
        AssertInstant(Due, (await Resets(s => s.FindByCancelTokenHashAsync(completed.CancelTokenHash, Ct)))?.CompletedAt);
        Assert.Null(await Resets(s => s.PendingForAccountAsync(alice.Id, Ct)));
        Assert.Null(await Resets(s => s.PendingForAccountAsync(bob.Id, Ct)));

        // A new one after the cancelled one is the pending one.
        var again = await AddResetAsync(alice, T0.AddHours(2));
        Assert.Equal(again.Id, (await Resets(s => s.PendingForAccountAsync(alice.Id, Ct)))?.Id);
    }

    [Fact]
    public async Task A_reset_is_cancelled_once_with_its_event_and_the_factors_stay()
    {
        var alice = await NewAccountAsync("alice");
        await EnrolEverythingAsync(alice);
        var reset = await AddResetAsync(alice, T0);
        var cancelledAt = T0.AddHours(3);

        Assert.True(await Cancel(reset, cancelledAt));
        Assert.False(await Cancel(reset, cancelledAt.AddMinutes(1)));

        await With(async db =>
        {
            var stored = await db.FactorResets.AsNoTracking().SingleAsync(Ct);
            AssertInstant(cancelledAt, stored.CancelledAt);
            Assert.Null(stored.CompletedAt);
            Assert.Equal(SecurityEventKind.TwoFactorResetCancelled, (await db.SecurityEvents.AsNoTracking().SingleAsync(Ct)).Kind);
        });
        await AssertFactorsKeptAsync(alice);
        // Nor is a cancelled reset completed when its time comes.
        Assert.Empty(await Resets(s => s.DueAsync(Due, 10, Ct)));
        Assert.False(await Complete(reset, Due));
        await AssertFactorsKeptAsync(alice);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Cancels_sent_at_once_cancel_once()
    {
        var alice = await NewAccountAsync("alice");
        var reset = await AddResetAsync(alice, T0);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => Cancel(reset, T0.AddMinutes(i + 1)), Ct)));

        Assert.Single(results, r => r);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_completed_reset_cannot_be_cancelled()
    {
        var alice = await NewAccountAsync("alice");
        var reset = await AddResetAsync(alice, T0);
        Assert.True(await Complete(reset, Due));

        Assert.False(await Cancel(reset, Due.AddMinutes(1)));

        var stored = await With(db => db.FactorResets.AsNoTracking().SingleAsync(Ct));
        Assert.Null(stored.CancelledAt);
        Assert.NotNull(stored.CompletedAt);
        Assert.Equal([SecurityEventKind.TwoFactorResetCompleted], await With(db => db.SecurityEvents.Select(e => e.Kind).ToListAsync(Ct)));
    }

    [Fact]
    public async Task Only_pending_resets_whose_time_has_come_are_due_oldest_first_and_at_most_take()
    {
        var accounts = new List<Account>();
        for (var i = 0; i < 6; i++) accounts.Add(await NewAccountAsync("user" + i));
        var now = Due.AddHours(5);
        var later = await AddResetAsync(accounts[0], T0.AddHours(3));
        var oldest = await AddResetAsync(accounts[1], T0);
        var exactlyNow = await AddResetAsync(accounts[2], now - Delay);
        var notYet = await AddResetAsync(accounts[3], now - Delay + TimeSpan.FromSeconds(1));
        var cancelled = await AddResetAsync(accounts[4], T0.AddHours(1));
        var completed = await AddResetAsync(accounts[5], T0.AddHours(2));
        Assert.True(await Cancel(cancelled, T0.AddHours(2)));
        Assert.True(await Complete(completed, Due.AddHours(2)));

        var due = await Resets(s => s.DueAsync(now, 10, Ct));

        Assert.Equal([oldest.Id, later.Id, exactlyNow.Id], due.Select(r => r.Id));
        Assert.DoesNotContain(notYet.Id, due.Select(r => r.Id));
        Assert.Equal([oldest.Id, later.Id], (await Resets(s => s.DueAsync(now, 2, Ct))).Select(r => r.Id));
        Assert.Empty(await Resets(s => s.DueAsync(T0.AddHours(1), 10, Ct)));
    }

    [Fact]
    public async Task Completing_removes_every_second_factor_ends_every_session_and_writes_everything_at_once()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await EnrolEverythingAsync(alice, bob);
        var reset = await AddResetAsync(alice, T0);
        var stamp = Guid.NewGuid().ToString("N");
        var messages = Messages(alice);

        Assert.True(await Complete(reset, Due.AddMinutes(1), stamp, messages));

        await With(async db =>
        {
            var account = await db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct);
            Assert.Equal(0, await db.TotpAuthenticators.CountAsync(t => t.AccountId == alice.Id, Ct));
            Assert.Equal(0, await db.UserPasskeys.CountAsync(p => p.UserId == alice.Id, Ct));
            Assert.Equal(0, await db.BackupCodes.CountAsync(c => c.AccountId == alice.Id, Ct));
            Assert.False(account.SmsCodesEnabled);
            Assert.False(account.EmailCodesEnabled);
            Assert.Null(account.PreferredSecondFactor);
            Assert.Equal(0, account.SecondFactorFailures);
            Assert.Null(account.SecondFactorFailedAt);
            Assert.Equal(stamp, account.SecurityStamp);
            Assert.Equal(0, await db.Sessions.CountAsync(s => s.AccountId == alice.Id, Ct));
            Assert.Equal(0, await db.PendingSignIns.CountAsync(p => p.AccountId == alice.Id, Ct));
            // Her ways of getting back in and of being told stay.
            Assert.Equal(("+447700900123", true), (account.PhoneNumber, account.PhoneNumberConfirmed));
            Assert.Equal(alice.Email, account.Email);
            Assert.NotNull(account.RecoveryEmailVerifiedAt);

            AssertInstant(Due.AddMinutes(1), (await db.FactorResets.AsNoTracking().SingleAsync(Ct)).CompletedAt);
            Assert.Equal(messages.Select(m => m.Id).Order(), (await db.OutboxMessages.Select(m => m.Id).ToListAsync(Ct)).Order());
            Assert.Equal(SecurityEventKind.TwoFactorResetCompleted, (await db.SecurityEvents.AsNoTracking().SingleAsync(Ct)).Kind);
        });
        await AssertFactorsKeptAsync(bob);
        Assert.Equal(bob.SecurityStamp, await With(db => db.Users.Where(a => a.Id == bob.Id).Select(a => a.SecurityStamp).SingleAsync(Ct)));
    }

    [Fact]
    public async Task A_reset_is_completed_only_once_and_not_before_its_time()
    {
        var alice = await NewAccountAsync("alice");
        await EnrolEverythingAsync(alice);
        var reset = await AddResetAsync(alice, T0);

        Assert.False(await Complete(reset, Due - TimeSpan.FromSeconds(1)));
        await AssertFactorsKeptAsync(alice);
        Assert.Equal(0, await With(db => db.SecurityEvents.CountAsync(Ct)));

        Assert.True(await Complete(reset, Due));
        await EnrolEverythingAsync(alice); // enrolled again since
        var stamp = await With(db => db.Users.Where(a => a.Id == alice.Id).Select(a => a.SecurityStamp).SingleAsync(Ct));

        Assert.False(await Complete(reset, Due.AddHours(1)));

        await AssertFactorsKeptAsync(alice);
        Assert.Equal(stamp, await With(db => db.Users.Where(a => a.Id == alice.Id).Select(a => a.SecurityStamp).SingleAsync(Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
        Assert.Equal(2, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Completions_run_at_once_complete_once()
    {
        var alice = await NewAccountAsync("alice");
        await EnrolEverythingAsync(alice);
        var reset = await AddResetAsync(alice, T0);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Complete(reset, Due), Ct)));

        Assert.Single(results, r => r);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
        Assert.Equal(2, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_cancel_and_a_completion_at_once_leave_exactly_one_of_them_done()
    {
        var alice = await NewAccountAsync("alice");
        await EnrolEverythingAsync(alice);
        var reset = await AddResetAsync(alice, T0);

        var results = await Task.WhenAll(
            Task.Run(() => Cancel(reset, Due), Ct), Task.Run(() => Complete(reset, Due), Ct),
            Task.Run(() => Cancel(reset, Due), Ct), Task.Run(() => Complete(reset, Due), Ct));

        Assert.Single(results, r => r);
        var stored = await With(db => db.FactorResets.AsNoTracking().SingleAsync(Ct));
        Assert.True(stored.CancelledAt is null ^ stored.CompletedAt is null);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
        if (stored.CancelledAt is not null) await AssertFactorsKeptAsync(alice);
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> Resets<T>(Func<EfFactorResetStore, Task<T>> action) => With(db => action(new EfFactorResetStore(db)));

    private Task<bool> Cancel(FactorReset reset, DateTimeOffset at) => Resets(s =>
        s.TryCancelAsync(reset.Id, at, TestRows.Event(reset.AccountId, SecurityEventKind.TwoFactorResetCancelled, at), Ct));

    private Task<bool> Complete(FactorReset reset, DateTimeOffset at, string? stamp = null, IReadOnlyList<OutboxMessage>? messages = null) =>
        Resets(s => s.TryCompleteAsync(reset, at, stamp ?? Guid.NewGuid().ToString("N"), messages ?? Messages(reset.AccountId),
            TestRows.Event(reset.AccountId, SecurityEventKind.TwoFactorResetCompleted, at), Ct));

    private static IReadOnlyList<OutboxMessage> Messages(Account account) =>
    [
        TestRows.Message(MessageChannel.Email, "factor-reset-completed", account.Email!, Due),
        TestRows.Message(MessageChannel.Sms, "factor-reset-completed", "+447700900123", Due),
    ];

    private static IReadOnlyList<OutboxMessage> Messages(Guid accountId) =>
    [
        TestRows.Message(MessageChannel.Email, "factor-reset-completed", accountId.ToString("N") + "@example.com", Due),
        TestRows.Message(MessageChannel.Sms, "factor-reset-completed", "+447700900123", Due),
    ];

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        account.PhoneNumber = "+447700900123";
        account.PhoneNumberConfirmed = true;
        account.RecoveryEmail = username + ".backup@example.com";
        account.NormalizedRecoveryEmail = Identifiers.Normalize(account.RecoveryEmail);
        account.RecoveryEmailVerifiedAt = T0.AddDays(-50);
        await AddAsync(account);
        return account;
    }

    private async Task<FactorReset> AddResetAsync(Account account, DateTimeOffset requestedAt)
    {
        var reset = TestRows.FactorReset(account.Id, requestedAt, Delay);
        await AddAsync(reset);
        return reset;
    }

    /// <summary>Every second factor there is, a wrong answer or two, and a session and a sign-in half-way.</summary>
    private Task EnrolEverythingAsync(params Account[] accounts) => With(async db =>
    {
        foreach (var account in accounts)
        {
            await db.Users.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.SmsCodesEnabled, true)
                .SetProperty(a => a.EmailCodesEnabled, true)
                .SetProperty(a => a.PreferredSecondFactor, SecondFactorKind.Totp)
                .SetProperty(a => a.SecondFactorFailures, 2)
                .SetProperty(a => a.SecondFactorFailedAt, T0), Ct);
            db.TotpAuthenticators.Add(new TotpAuthenticator { Id = Guid.NewGuid(), AccountId = account.Id, ProtectedSecret = "protected", CreatedAt = T0, ConfirmedAt = T0 });
            db.UserPasskeys.Add(new IdentityUserPasskey<Guid>
            {
                UserId = account.Id, CredentialId = Guid.NewGuid().ToByteArray(),
                Data = new IdentityPasskeyData { PublicKey = [1, 2, 3], Name = "Key", CreatedAt = T0, Transports = ["usb"], AttestationObject = [4], ClientDataJson = [5] },
            });
            for (var i = 0; i < 3; i++)
                db.BackupCodes.Add(new BackupCode { Id = Guid.NewGuid(), AccountId = account.Id, Hash = "$argon2id$code" + TestRows.Hash(), CreatedAt = T0 });
            db.Sessions.Add(TestRows.Session(account.Id, T0));
            db.PendingSignIns.Add(TestRows.PendingSignIn(account.Id, T0));
        }
        await db.SaveChangesAsync(Ct);
    });

    private Task AssertFactorsKeptAsync(Account account) => With(async db =>
    {
        var stored = await db.Users.AsNoTracking().SingleAsync(a => a.Id == account.Id, Ct);
        Assert.True(stored.SmsCodesEnabled);
        Assert.True(stored.EmailCodesEnabled);
        Assert.Equal(SecondFactorKind.Totp, stored.PreferredSecondFactor);
        Assert.True(await db.TotpAuthenticators.AnyAsync(t => t.AccountId == account.Id, Ct));
        Assert.True(await db.UserPasskeys.AnyAsync(p => p.UserId == account.Id, Ct));
        Assert.True(await db.BackupCodes.AnyAsync(c => c.AccountId == account.Id, Ct));
        Assert.True(await db.Sessions.AnyAsync(s => s.AccountId == account.Id, Ct));
        Assert.True(await db.PendingSignIns.AnyAsync(p => p.AccountId == account.Id, Ct));
    });
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteFactorResetStoreSpecification() : FactorResetStoreSpecification(new SqliteTestDatabase("factor-resets"));
public sealed class PostgresFactorResetStoreSpecification() : FactorResetStoreSpecification(new PostgresTestDatabase("factor_resets"));
