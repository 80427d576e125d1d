using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Errors;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;
using Threshold.Core.Sessions;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfNotMeStore"/>: securing an account after
/// "This wasn't me" is one transaction, and one entry is reported at most once, even in parallel.
/// </summary>
public abstract class NotMeStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Securing_ends_every_session_and_pending_sign_in_rotates_the_stamp_and_writes_everything_at_once()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await AddSessionsAndPendingAsync(alice, bob);
        var write = NewWrite(alice, "ABCD-EFGH");

        Assert.True(await NotMe(s => s.TrySecureAsync(write, Ct)));

        await With(async db =>
        {
            var account = await db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct);
            Assert.True(account.PasswordResetRequired);
            Assert.Equal(write.NewSecurityStamp, account.SecurityStamp);
            Assert.Equal(0, await db.Sessions.CountAsync(s => s.AccountId == alice.Id, Ct));
            Assert.Equal(0, await db.PendingSignIns.CountAsync(p => p.AccountId == alice.Id, Ct));
            Assert.NotNull(await db.ResetTickets.SingleOrDefaultAsync(t => t.Id == write.Ticket!.Id, Ct));
            Assert.Equal(write.Messages[0].Id, (await db.OutboxMessages.SingleAsync(Ct)).Id);
            Assert.Equal(SecurityEventKind.NotMeReported, (await db.SecurityEvents.SingleAsync(Ct)).Kind);
            // Bob is untouched.
            var other = await db.Users.AsNoTracking().SingleAsync(a => a.Id == bob.Id, Ct);
            Assert.False(other.PasswordResetRequired);
            Assert.Equal(bob.SecurityStamp, other.SecurityStamp);
            Assert.Equal(1, await db.Sessions.CountAsync(s => s.AccountId == bob.Id, Ct));
            Assert.Equal(1, await db.PendingSignIns.CountAsync(p => p.AccountId == bob.Id, Ct));
        });
        var report = await NotMe(s => s.FindReportAsync(alice.Id, "ABCD-EFGH", Ct));
        Assert.NotNull(report);
        Assert.Equal(write.Request.Number, report.Number);
        Assert.Equal(SupportRequestKind.NotMe, report.Kind);
        Assert.Null(await NotMe(s => s.FindReportAsync(bob.Id, "ABCD-EFGH", Ct)));
        Assert.Null(await NotMe(s => s.FindReportAsync(alice.Id, "ZZZZ-ZZZZ", Ct)));
    }

    [Fact]
    public async Task The_same_entry_reported_again_writes_nothing_at_all()
    {
        var alice = await NewAccountAsync("alice");
        var first = NewWrite(alice, "ABCD-EFGH");
        Assert.True(await NotMe(s => s.TrySecureAsync(first, Ct)));
        await AddSessionsAndPendingAsync(alice);

        Assert.False(await NotMe(s => s.TrySecureAsync(NewWrite(alice, "ABCD-EFGH"), Ct)));

        await With(async db =>
        {
            Assert.Equal(first.NewSecurityStamp, (await db.Users.AsNoTracking().SingleAsync(a => a.Id == alice.Id, Ct)).SecurityStamp);
            Assert.Equal(1, await db.SupportRequests.CountAsync(Ct));
            Assert.Equal(1, await db.ResetTickets.CountAsync(Ct));
            Assert.Equal(1, await db.OutboxMessages.CountAsync(Ct));
            Assert.Equal(1, await db.SecurityEvents.CountAsync(Ct));
            Assert.Equal(1, await db.Sessions.CountAsync(Ct)); // the session made since survives the refused report
        });
        // Another entry of the same account can still be reported.
        Assert.True(await NotMe(s => s.TrySecureAsync(NewWrite(alice, "HJKM-NPQR"), Ct)));
    }

    [Fact]
    public async Task Parallel_reports_of_one_entry_succeed_once()
    {
        var alice = await NewAccountAsync("alice");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            NotMe(s => s.TrySecureAsync(NewWrite(alice, "ABCD-EFGH"), Ct)), Ct)));
        Assert.Single(results, r => r);
        Assert.Equal(1, await With(db => db.SupportRequests.CountAsync(Ct)));
        Assert.Equal(1, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_account_that_is_gone_is_not_secured_and_nothing_is_written()
    {
        var ghost = new Account { Id = Guid.NewGuid(), UserName = "ghost", Email = "ghost@example.com" };
        Assert.False(await NotMe(s => s.TrySecureAsync(NewWrite(ghost, "ABCD-EFGH"), Ct)));
        Assert.Equal(0, await With(db => db.SupportRequests.CountAsync(Ct)));
        Assert.Equal(0, await With(db => db.SecurityEvents.CountAsync(Ct)));
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> NotMe<T>(Func<EfNotMeStore, Task<T>> action) => With(db => action(new EfNotMeStore(db)));

    private Task AddSessionsAndPendingAsync(params Account[] accounts) => With(async db =>
    {
        foreach (var account in accounts)
        {
            db.Sessions.Add(new Session
            {
                Id = Guid.NewGuid(), AccountId = account.Id, TokenHash = NewHash(), CreatedAt = T0, LastSeenAt = T0, ExpiresAt = T0.AddHours(24),
            });
            db.PendingSignIns.Add(new PendingSignIn
            {
                Id = Guid.NewGuid(), TokenHash = NewHash(), Purpose = PendingSignInPurpose.SignIn, AccountId = account.Id, CreatedAt = T0,
                ExpiresAt = T0.AddMinutes(10),
            });
        }
        await db.SaveChangesAsync(Ct);
    });

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        await AddAsync(account);
        return account;
    }

    private static NotMeWrite NewWrite(Account account, string reported)
    {
        var stamp = Guid.NewGuid().ToString("N");
        var reference = ReferenceCode.New();
        return new NotMeWrite(account.Id, reported, stamp,
            new SupportRequest
            {
                Id = Guid.NewGuid(), Number = ReferenceCode.New(), CreatedAt = T0, Kind = SupportRequestKind.NotMe, AccountId = account.Id,
                EventReference = reported,
            },
            new ResetTicket
            {
                Id = Guid.NewGuid(), AccountId = account.Id, Channel = MessageChannel.Email, RequestKey = account.Email!.ToUpperInvariant(),
                SecretHash = NewHash(), SecurityStamp = stamp, Destination = account.Email, CreatedAt = T0, ExpiresAt = T0.AddMinutes(30),
            },
            [new OutboxMessage
            {
                Id = Guid.NewGuid(), Channel = MessageChannel.Email, Template = "not-me-secured", To = account.Email!, Subject = "Secured",
                TextBody = "Text", ReferenceCode = reference, CreatedAt = T0, NextAttemptAt = T0,
            }],
            new SecurityEvent
            {
                Id = Guid.NewGuid(), At = T0, Kind = SecurityEventKind.NotMeReported, AccountId = account.Id, ReferenceCode = reference,
                Reason = "reported:" + reported,
            });
    }

    private static string NewHash() => TestRows.Hash();
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteNotMeStoreSpecification() : NotMeStoreSpecification(new SqliteTestDatabase("notme"));
public sealed class PostgresNotMeStoreSpecification() : NotMeStoreSpecification(new PostgresTestDatabase("notme"));
