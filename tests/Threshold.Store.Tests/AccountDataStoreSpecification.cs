using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Errors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for "Your data" (<see cref="EfAccountDataStore"/>): deleting an
/// account removes every row that refers to it, in one transaction, and keeps the notice, the audit
/// event and the support requests. Set up by <see cref="DatabaseSpecification"/>: a fresh, migrated
/// database per test, every read through a new context.
/// </summary>
public abstract class AccountDataStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    // ---------------------------------------------------------------- deletion

    [Fact]
    public async Task Deleting_removes_every_row_that_refers_to_the_account_and_keeps_the_notice_the_audit_event_and_the_requests()
    {
        var alice = await SeedAsync("alice");
        var bob = await SeedAsync("bob");
        var before = await RowsReferringToAsync(alice.Account.Id);
        Assert.All(SeededTables, t => Assert.True(before.GetValueOrDefault(t) > 0, $"The seed wrote nothing to {t}"));
        var notice = NewMessage("alice@example.com");
        var deleted = NewEvent(alice.Account.Id, SecurityEventKind.AccountDeleted);

        Assert.True(await Data(s => s.DeleteAccountAsync(alice.Account.Id, [notice], deleted, Ct)));

        var left = await RowsReferringToAsync(alice.Account.Id);
        Assert.True(left.All(t => t.Key == nameof(SecurityEvent) ? t.Value == 1 : t.Value == 0),
            "Rows still refer to the deleted account: " + string.Join(", ", left.Where(t => t.Value > 0).Select(t => $"{t.Key} {t.Value}")));
        Assert.False(await With(db => db.Users.AnyAsync(a => a.Id == alice.Account.Id, Ct)));
        // What outlives the account: the notice, the one audit event, the support request (detached).
        Assert.True(await With(db => db.OutboxMessages.AnyAsync(m => m.Id == notice.Id, Ct)));
        var audit = Assert.Single(await With(db => db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == alice.Account.Id).ToListAsync(Ct)));
        Assert.Equal((deleted.Id, SecurityEventKind.AccountDeleted), (audit.Id, audit.Kind));
        var request = await With(db => db.SupportRequests.AsNoTracking().SingleAsync(r => r.Id == alice.Request.Id, Ct));
        Assert.Null(request.AccountId);
        Assert.Equal(alice.Request.Number, request.Number);
        // Someone else's rows are untouched.
        var bobs = await RowsReferringToAsync(bob.Account.Id);
        Assert.All(SeededTables, t => Assert.Equal(before[t], bobs[t]));
    }

    [Fact]
    public async Task A_deletion_that_fails_part_way_changes_nothing()
    {
        var alice = await SeedAsync("alice");
        var bob = await SeedAsync("bob");
        var before = await RowsReferringToAsync(alice.Account.Id);
        // The audit event cannot be stored (its id is taken by one of Bob's), after everything else was deleted.
        var clash = NewEvent(alice.Account.Id, SecurityEventKind.AccountDeleted);
        clash.Id = bob.EventId;
        var notice = NewMessage("alice@example.com");

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Data(s => s.DeleteAccountAsync(alice.Account.Id, [notice], clash, Ct)));

        Assert.Equal(before, await RowsReferringToAsync(alice.Account.Id));
        Assert.True(await With(db => db.Users.AnyAsync(a => a.Id == alice.Account.Id, Ct)));
        Assert.False(await With(db => db.OutboxMessages.AnyAsync(m => m.Id == notice.Id, Ct)));
        Assert.Equal(alice.Account.Id, (await With(db => db.SupportRequests.AsNoTracking().SingleAsync(r => r.Id == alice.Request.Id, Ct))).AccountId);
    }

    [Fact]
    public async Task Deleting_an_account_that_is_already_gone_writes_nothing()
    {
        var alice = await SeedAsync("alice");
        Assert.True(await Data(s => s.DeleteAccountAsync(alice.Account.Id, [], NewEvent(alice.Account.Id, SecurityEventKind.AccountDeleted), Ct)));
        var late = NewMessage("alice@example.com");

        Assert.False(await Data(s => s.DeleteAccountAsync(alice.Account.Id, [late], NewEvent(alice.Account.Id, SecurityEventKind.AccountDeleted), Ct)));

        Assert.False(await With(db => db.OutboxMessages.AnyAsync(m => m.Id == late.Id, Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(e => e.AccountId == alice.Account.Id, Ct)));
    }

    [Fact]
    public async Task After_deletion_the_email_and_username_can_be_registered_again()
    {
        var alice = await SeedAsync("alice");
        Assert.True(await Data(s => s.DeleteAccountAsync(alice.Account.Id, [], NewEvent(alice.Account.Id, SecurityEventKind.AccountDeleted), Ct)));

        var again = TestRows.Account("alice", T0);
        var verification = new EmailVerification
        {
            Id = Guid.NewGuid(), AccountId = again.Id, TokenHash = NewHash(), NormalizedEmail = again.NormalizedEmail!, CreatedAt = T0, ExpiresAt = T0.AddDays(1),
        };
        Assert.True(await With(db => new EfAccountStore(db).TryCreateAsync(again, verification, [], NewEvent(again.Id, SecurityEventKind.Registered), Ct)));
    }

    [Fact]
    public async Task Every_table_that_points_at_an_account_is_emptied_or_let_go_by_the_database_itself()
    {
        // A table added later with a foreign key to accounts must cascade (or, like support requests, set null);
        // otherwise deleting an account would fail, or leave rows that still name it.
        await using var db = NewContext();
        var references = db.Model.GetEntityTypes().Where(t => !t.IsOwned())
            .SelectMany(t => t.GetForeignKeys()).Where(fk => fk.PrincipalEntityType.ClrType == typeof(Account)).ToList();
        Assert.NotEmpty(references);
        foreach (var fk in references)
        {
            var expected = fk.DeclaringEntityType.ClrType == typeof(SupportRequest) ? DeleteBehavior.SetNull : DeleteBehavior.Cascade;
            Assert.True(fk.DeleteBehavior == expected, $"{fk.DeclaringEntityType.DisplayName()} → Account: {fk.DeleteBehavior}, expected {expected}");
        }
    }

    // ---------------------------------------------------------------- reading

    [Fact]
    public async Task Open_support_requests_of_the_account_are_listed_newest_first()
    {
        var alice = await SeedAsync("alice");
        var bob = await SeedAsync("bob");
        var newer = NewRequest(alice.Account.Id, T0.AddHours(1));
        var closed = NewRequest(alice.Account.Id, T0.AddHours(2));
        closed.Status = SupportRequestStatus.Closed;
        await With(async db => { db.SupportRequests.AddRange(newer, closed); await db.SaveChangesAsync(Ct); });

        var open = await Data(s => s.OpenSupportRequestsAsync(alice.Account.Id, Ct));

        Assert.Equal([newer.Id, alice.Request.Id], open.Select(r => r.Id));
        Assert.DoesNotContain(open, r => r.Id == bob.Request.Id);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The tables <see cref="SeedAsync"/> writes to (as <see cref="RowsReferringToAsync"/> names them).</summary>
    private static readonly string[] SeededTables =
    [
        nameof(Session), nameof(EmailVerification), nameof(PasswordHistoryEntry), nameof(ResetTicket), nameof(TotpAuthenticator),
        nameof(OneTimeCode), nameof(BackupCode), "IdentityUserPasskey<Guid>", nameof(PendingSignIn), "IdentityUserClaim<Guid>",
        "IdentityUserLogin<Guid>", "IdentityUserToken<Guid>", nameof(SupportRequest), nameof(SecurityEvent), nameof(ThrottleCounter),
    ];

    private sealed record Seeded(Account Account, SupportRequest Request, Guid EventId);

    /// <summary>An account with a row in every table that can belong to one.</summary>
    private async Task<Seeded> SeedAsync(string username)
    {
        var account = TestRows.Account(username, T0);
        var id = account.Id;
        var request = NewRequest(id, T0);
        var securityEvent = NewEvent(id, SecurityEventKind.SignInSucceeded);
        await With(async db =>
        {
            db.Users.Add(account);
            await db.SaveChangesAsync(Ct);
            db.Sessions.Add(new Session { Id = Guid.NewGuid(), AccountId = id, TokenHash = NewHash(), CreatedAt = T0, LastSeenAt = T0, ExpiresAt = T0.AddDays(1), AuthenticatedAt = T0 });
            db.EmailVerifications.Add(new EmailVerification
            {
                Id = Guid.NewGuid(), AccountId = id, TokenHash = NewHash(), NormalizedEmail = account.NormalizedEmail!, CreatedAt = T0, ExpiresAt = T0.AddDays(1),
            });
            db.PasswordHistory.Add(new PasswordHistoryEntry { Id = Guid.NewGuid(), AccountId = id, PasswordHash = "$argon2id$old" + NewHash(), ReplacedAt = T0 });
            db.ResetTickets.Add(new ResetTicket
            {
                Id = Guid.NewGuid(), AccountId = id, RequestKey = account.NormalizedEmail!, SecretHash = NewHash(), CreatedAt = T0, ExpiresAt = T0.AddMinutes(30),
            });
            db.TotpAuthenticators.Add(new TotpAuthenticator { Id = Guid.NewGuid(), AccountId = id, ProtectedSecret = "protected", CreatedAt = T0, ConfirmedAt = T0 });
            db.OneTimeCodes.Add(new OneTimeCode
            {
                Id = Guid.NewGuid(), AccountId = id, Purpose = CodePurpose.SignIn, Channel = MessageChannel.Email, Destination = account.Email!,
                CodeHash = NewHash(), Binding = "binding", CreatedAt = T0, ExpiresAt = T0.AddMinutes(10),
            });
            db.BackupCodes.Add(new BackupCode { Id = Guid.NewGuid(), AccountId = id, Hash = "$argon2id$code" + NewHash(), CreatedAt = T0 });
            db.UserPasskeys.Add(new IdentityUserPasskey<Guid>
            {
                UserId = id, CredentialId = Guid.NewGuid().ToByteArray(),
                Data = new IdentityPasskeyData { PublicKey = [1, 2, 3], Name = "Key", CreatedAt = T0, Transports = ["usb"], AttestationObject = [4], ClientDataJson = [5] },
            });
            db.PendingSignIns.Add(new PendingSignIn
            {
                Id = Guid.NewGuid(), TokenHash = NewHash(), Purpose = PendingSignInPurpose.SignIn, AccountId = id, CreatedAt = T0, ExpiresAt = T0.AddMinutes(10),
            });
            db.UserClaims.Add(new IdentityUserClaim<Guid> { UserId = id, ClaimType = "test", ClaimValue = username });
            db.UserLogins.Add(new IdentityUserLogin<Guid> { UserId = id, LoginProvider = "test", ProviderKey = username, ProviderDisplayName = "Test" });
            db.UserTokens.Add(new IdentityUserToken<Guid> { UserId = id, LoginProvider = "test", Name = "token", Value = NewHash() });
            db.SupportRequests.Add(request);
            db.SecurityEvents.Add(securityEvent);
            db.Set<ThrottleCounter>().Add(new ThrottleCounter { Key = ThrottleKeys.Account(id), Failures = 3, LastFailureAt = T0 });
            await db.SaveChangesAsync(Ct);
        });
        return new(account, request, securityEvent.Id);
    }

    /// <summary>
    /// For every table with a foreign key to accounts (found in the model, so tables added later count too),
    /// and for the two that refer to an account without one, how many rows refer to this account.
    /// </summary>
    private async Task<Dictionary<string, int>> RowsReferringToAsync(Guid accountId)
    {
        await using var db = NewContext();
        var counts = new Dictionary<string, int>();
        foreach (var fk in db.Model.GetEntityTypes().Where(t => !t.IsOwned()).SelectMany(t => t.GetForeignKeys())
                     .Where(fk => fk.PrincipalEntityType.ClrType == typeof(Account)))
        {
            var property = Assert.Single(fk.Properties);
            var name = fk.DeclaringEntityType.DisplayName();
            counts[name] = counts.GetValueOrDefault(name) + CountWhere(db, fk.DeclaringEntityType.ClrType, property.Name, property.ClrType, accountId);
        }
        counts[nameof(SecurityEvent)] = await db.SecurityEvents.CountAsync(e => e.AccountId == accountId, Ct);
        var counter = ThrottleKeys.Account(accountId);
        counts[nameof(ThrottleCounter)] = await db.Set<ThrottleCounter>().CountAsync(c => c.Key == counter, Ct);
        return counts;
    }

    /// <summary>SELECT COUNT(*) FROM the entity's table WHERE the property = id, for an entity type known only at run time.</summary>
    private static int CountWhere(DbContext db, Type entity, string property, Type propertyType, Guid id)
    {
        var set = (IQueryable)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity).Invoke(db, null)!;
        var e = Expression.Parameter(entity, "e");
        var value = Expression.Call(typeof(EF), nameof(EF.Property), [propertyType], e, Expression.Constant(property));
        var lambda = Expression.Lambda(Expression.Equal(value, Expression.Constant(id, propertyType)), e);
        return set.Provider.Execute<int>(Expression.Call(typeof(Queryable), nameof(Queryable.Count), [entity], set.Expression, Expression.Quote(lambda)));
    }

    private Task<T> Data<T>(Func<EfAccountDataStore, Task<T>> action) => With(db => action(new EfAccountDataStore(db)));

    private static SupportRequest NewRequest(Guid accountId, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), Number = ReferenceCode.New(), CreatedAt = at, Kind = SupportRequestKind.NotMe, AccountId = accountId,
        Description = "Not me", EventReference = ReferenceCode.New(),
    };

    private static OutboxMessage NewMessage(string to) => TestRows.Message(MessageChannel.Email, "account-deleted", to, T0);

    private static SecurityEvent NewEvent(Guid? accountId, SecurityEventKind kind) => TestRows.Event(accountId, kind, T0);

    private static string NewHash() => TestRows.Hash();
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteAccountDataStoreSpecification() : AccountDataStoreSpecification(new SqliteTestDatabase("data"));
public sealed class PostgresAccountDataStoreSpecification() : AccountDataStoreSpecification(new PostgresTestDatabase("data"));
