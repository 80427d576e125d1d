using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for recovery info and the password change's session
/// choice: the recovery email (found only once verified; a change voids reset links already
/// sent; all or nothing), the phone apart from text-message codes, the text-message alerts
/// preference, and keeping or ending other sessions. Set up by <see cref="DatabaseSpecification"/>.
/// </summary>
public abstract class RecoveryInfoStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    // ----------------------------------------------------------- recovery email

    [Fact]
    public async Task A_recovery_email_is_stored_with_its_notices_and_found_in_any_case_by_its_normalised_form()
    {
        var alice = await NewAccountAsync("alice");
        var (messages, logged) = Change(alice.Id, "recovery-email-added");

        await Accounts(s => s.SetRecoveryEmailAsync(alice.Id, "Alice.Backup@Example.NET", T0, messages, logged, Ct));

        var account = await AccountAsync(alice.Id);
        Assert.Equal("Alice.Backup@Example.NET", account.RecoveryEmail);
        Assert.Equal("ALICE.BACKUP@EXAMPLE.NET", account.NormalizedRecoveryEmail);
        Assert.Equal(T0, account.RecoveryEmailVerifiedAt);
        Assert.Equal(alice.Id, Assert.Single(await Accounts(s => s.FindByVerifiedRecoveryEmailAsync("ALICE.BACKUP@EXAMPLE.NET", Ct))).Id);
        Assert.Empty(await Accounts(s => s.FindByVerifiedRecoveryEmailAsync("ALICE@EXAMPLE.COM", Ct))); // the sign-in address is not a recovery email
        Assert.Equal(1, await With(db => db.OutboxMessages.CountAsync(m => m.Id == messages[0].Id, Ct)));
        Assert.Equal("recovery-email-added", (await With(db => db.SecurityEvents.SingleAsync(e => e.Id == logged.Id, Ct))).Reason);
    }

    [Fact]
    public async Task An_address_shared_by_two_accounts_finds_both_and_an_unverified_one_finds_none()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var carol = await NewAccountAsync("carol");
        foreach (var id in new[] { alice.Id, bob.Id })
        {
            var (messages, logged) = Change(id, "recovery-email-added");
            await Accounts(s => s.SetRecoveryEmailAsync(id, "family@example.net", T0, messages, logged, Ct));
        }
        // Written by something other than the confirmation (an import, an older version): not verified, not used.
        await With(db => db.Users.Where(a => a.Id == carol.Id).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.RecoveryEmail, "unproven@example.net").SetProperty(a => a.NormalizedRecoveryEmail, "UNPROVEN@EXAMPLE.NET"), Ct));

        var found = await Accounts(s => s.FindByVerifiedRecoveryEmailAsync("FAMILY@EXAMPLE.NET", Ct));
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(), found.Select(a => a.Id).Order());
        Assert.Empty(await Accounts(s => s.FindByVerifiedRecoveryEmailAsync("UNPROVEN@EXAMPLE.NET", Ct)));
    }

    [Fact]
    public async Task Removing_the_recovery_email_clears_it_and_it_is_found_no_more()
    {
        var alice = await NewAccountAsync("alice");
        var (added, addedEvent) = Change(alice.Id, "recovery-email-added");
        await Accounts(s => s.SetRecoveryEmailAsync(alice.Id, "backup@example.net", T0, added, addedEvent, Ct));
        var (removed, removedEvent) = Change(alice.Id, "recovery-email-removed");

        await Accounts(s => s.SetRecoveryEmailAsync(alice.Id, null, T0.AddMinutes(5), removed, removedEvent, Ct));

        var account = await AccountAsync(alice.Id);
        Assert.Null(account.RecoveryEmail);
        Assert.Null(account.NormalizedRecoveryEmail);
        Assert.Null(account.RecoveryEmailVerifiedAt);
        Assert.Empty(await Accounts(s => s.FindByVerifiedRecoveryEmailAsync("BACKUP@EXAMPLE.NET", Ct)));
    }

    [Fact]
    public async Task A_recovery_email_change_ends_the_accounts_unused_reset_tickets_and_no_one_elses()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var open = NewTicket(alice.Id, T0.AddMinutes(-5));
        var used = NewTicket(alice.Id, T0.AddMinutes(-6));
        used.UsedAt = T0.AddMinutes(-4);
        var bobs = NewTicket(bob.Id, T0.AddMinutes(-5));
        await With(async db => { db.ResetTickets.AddRange(open, used, bobs); await db.SaveChangesAsync(Ct); });
        var (messages, logged) = Change(alice.Id, "recovery-email-changed");

        await Accounts(s => s.SetRecoveryEmailAsync(alice.Id, "new@example.net", T0, messages, logged, Ct));

        Assert.Equal(T0, (await TicketAsync(open.Id)).ExpiresAt);
        Assert.Equal(used.ExpiresAt, (await TicketAsync(used.Id)).ExpiresAt);
        Assert.Equal(bobs.ExpiresAt, (await TicketAsync(bobs.Id)).ExpiresAt);
    }

    [Fact]
    public async Task A_recovery_email_change_whose_event_cannot_be_written_changes_nothing()
    {
        var alice = await NewAccountAsync("alice");
        var open = NewTicket(alice.Id, T0.AddMinutes(-5));
        await With(async db => { db.ResetTickets.Add(open); await db.SaveChangesAsync(Ct); });
        var (messages, clash) = await FailingChangeAsync(alice.Id);

        await Assert.ThrowsAnyAsync<Exception>(() => Accounts(s => s.SetRecoveryEmailAsync(alice.Id, "new@example.net", T0, messages, clash, Ct)));

        Assert.Null((await AccountAsync(alice.Id)).RecoveryEmail);
        Assert.Equal(open.ExpiresAt, (await TicketAsync(open.Id)).ExpiresAt);
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_reset_link_confirms_the_sign_in_address_only_when_it_did_not_also_go_to_a_recovery_email()
    {
        var alice = await NewAccountAsync("alice", emailConfirmed: false);
        var bob = await NewAccountAsync("bob", emailConfirmed: false);
        var (messages, logged) = Change(bob.Id, "recovery-email-added");
        await Accounts(s => s.SetRecoveryEmailAsync(bob.Id, "bob.backup@example.net", T0.AddMinutes(-10), messages, logged, Ct));
        bob = await AccountAsync(bob.Id);

        foreach (var account in new[] { alice, bob })
        {
            var ticket = NewTicket(account.Id, T0.AddMinutes(-1), account.SecurityStamp);
            await With(async db => { db.ResetTickets.Add(ticket); await db.SaveChangesAsync(Ct); });
            Assert.True(await With(db => new EfRecoveryStore(db).TryCompleteAsync(ticket, "$new$" + NewHash(), T0, NewHistory(account.Id), 3, [],
                NewEvent(account.Id, SecurityEventKind.PasswordReset), Ct)));
        }

        Assert.True((await AccountAsync(alice.Id)).EmailConfirmed);
        Assert.False((await AccountAsync(bob.Id)).EmailConfirmed); // the link may have been opened from the recovery mailbox
    }

    // -------------------------------------------------------------------- phone

    [Fact]
    public async Task Setting_the_phone_keeps_text_message_codes_as_they_were_and_ends_unused_reset_codes()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob", phone: "+442079460123", smsCodes: true);
        var open = NewTicket(bob.Id, T0.AddMinutes(-2));
        await With(async db => { db.ResetTickets.Add(open); await db.SaveChangesAsync(Ct); });

        await Factors(s => s.SetPhoneAsync(alice.Id, "+14155552671", T0, NewFactorChange(alice.Id, "recovery-phone-added"), Ct));
        var changeForBob = NewFactorChange(bob.Id, "recovery-phone-changed");
        await Factors(s => s.SetPhoneAsync(bob.Id, "+33612345678", T0, changeForBob, Ct));

        var a = await AccountAsync(alice.Id);
        Assert.Equal(("+14155552671", true, false), (a.PhoneNumber, a.PhoneNumberConfirmed, a.SmsCodesEnabled));
        var b = await AccountAsync(bob.Id);
        Assert.Equal(("+33612345678", true, true), (b.PhoneNumber, b.PhoneNumberConfirmed, b.SmsCodesEnabled));
        Assert.Equal(T0, (await TicketAsync(open.Id)).ExpiresAt);
        Assert.Equal("recovery-phone-changed", (await With(db => db.SecurityEvents.SingleAsync(e => e.Id == changeForBob.Event.Id, Ct))).Reason);
    }

    [Fact]
    public async Task Removing_the_phone_turns_codes_and_alerts_off_and_with_no_factor_left_the_backup_codes_go()
    {
        var alice = await NewAccountAsync("alice", phone: "+442079460123", smsCodes: true, alerts: true);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id), NewFactorChange(alice.Id, "backup-codes-renewed"), Ct));

        Assert.True(await Factors(s => s.RemovePhoneAsync(alice.Id, T0, NewFactorChange(alice.Id, "recovery-phone-removed"), Ct)));

        var account = await AccountAsync(alice.Id);
        Assert.Null(account.PhoneNumber);
        Assert.False(account.PhoneNumberConfirmed);
        Assert.False(account.SmsCodesEnabled);
        Assert.False(account.SecurityAlertsBySms);
        Assert.Empty(await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct)));
        Assert.False(await Factors(s => s.RemovePhoneAsync(alice.Id, T0, NewFactorChange(alice.Id, "recovery-phone-removed"), Ct)));
    }

    [Fact]
    public async Task Removing_the_phone_keeps_the_backup_codes_while_another_factor_remains()
    {
        var alice = await NewAccountAsync("alice", phone: "+442079460123", smsCodes: true, emailCodes: true);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id), NewFactorChange(alice.Id, "backup-codes-renewed"), Ct));

        Assert.True(await Factors(s => s.RemovePhoneAsync(alice.Id, T0, NewFactorChange(alice.Id, "recovery-phone-removed"), Ct)));

        Assert.Equal(10, (await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct))).Count);
    }

    [Fact]
    public async Task Alerts_by_text_message_are_turned_on_only_with_a_confirmed_phone()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob", phone: "+442079460123");
        var refused = NewEvent(alice.Id, SecurityEventKind.RecoveryInfoChanged);

        Assert.False(await Accounts(s => s.SetSecurityAlertsBySmsAsync(alice.Id, true, refused, Ct)));
        Assert.True(await Accounts(s => s.SetSecurityAlertsBySmsAsync(bob.Id, true, NewEvent(bob.Id, SecurityEventKind.RecoveryInfoChanged), Ct)));

        Assert.False((await AccountAsync(alice.Id)).SecurityAlertsBySms);
        Assert.True((await AccountAsync(bob.Id)).SecurityAlertsBySms);
        Assert.Equal(0, await With(db => db.SecurityEvents.CountAsync(e => e.Id == refused.Id, Ct)));
        Assert.True(await Accounts(s => s.SetSecurityAlertsBySmsAsync(alice.Id, false, NewEvent(alice.Id, SecurityEventKind.RecoveryInfoChanged), Ct)));
    }

    // ------------------------------------------------------ password change sessions

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 3)]
    public async Task A_password_change_ends_the_other_sessions_only_when_asked(bool endOtherSessions, int left)
    {
        var alice = await NewAccountAsync("alice");
        var sessions = Enumerable.Range(0, 3).Select(_ => NewSession(alice.Id)).ToList();
        await With(async db => { db.Sessions.AddRange(sessions); await db.SaveChangesAsync(Ct); });

        await Accounts(s => s.ChangePasswordAsync(alice.Id, "$new$" + NewHash(), T0, sessions[0].Id, endOtherSessions, NewHistory(alice.Id), 3,
            [], NewEvent(alice.Id, SecurityEventKind.PasswordChanged), Ct));

        Assert.Equal(left, await With(db => db.Sessions.CountAsync(s => s.AccountId == alice.Id, Ct)));
        Assert.True(await With(db => db.Sessions.AnyAsync(s => s.Id == sessions[0].Id, Ct)));
        Assert.NotEqual(alice.SecurityStamp, (await AccountAsync(alice.Id)).SecurityStamp); // remembered devices are forgotten either way
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> Accounts<T>(Func<EfAccountStore, Task<T>> action) => With(db => action(new EfAccountStore(db)));
    private Task Accounts(Func<EfAccountStore, Task> action) => With(db => action(new EfAccountStore(db)));
    private Task<T> Factors<T>(Func<EfFactorStore, Task<T>> action) => With(db => action(new EfFactorStore(db)));
    private Task Factors(Func<EfFactorStore, Task> action) => With(db => action(new EfFactorStore(db)));

    private Task<Account> AccountAsync(Guid id) => With(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id, Ct));
    private Task<ResetTicket> TicketAsync(Guid id) => With(db => db.ResetTickets.AsNoTracking().SingleAsync(t => t.Id == id, Ct));

    private async Task<Account> NewAccountAsync(string username, bool emailConfirmed = true, string? phone = null, bool smsCodes = false,
        bool emailCodes = false, bool alerts = false)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        account.EmailConfirmed = emailConfirmed;
        account.PhoneNumber = phone;
        account.PhoneNumberConfirmed = phone is not null;
        account.SmsCodesEnabled = smsCodes;
        account.EmailCodesEnabled = emailCodes;
        account.SecurityAlertsBySms = alerts;
        await AddAsync(account);
        return account;
    }

    private static (IReadOnlyList<OutboxMessage> Messages, SecurityEvent Event) Change(Guid accountId, string reason)
    {
        var logged = NewEvent(accountId, SecurityEventKind.RecoveryInfoChanged);
        logged.Reason = reason;
        return ([NewMessage()], logged);
    }

    private static FactorChangeRecord NewFactorChange(Guid accountId, string reason)
    {
        var (messages, logged) = Change(accountId, reason);
        return new(messages, logged);
    }

    /// <summary>A change whose event cannot be stored (its id is taken), so the transaction around it must roll back.</summary>
    private async Task<(IReadOnlyList<OutboxMessage>, SecurityEvent)> FailingChangeAsync(Guid accountId)
    {
        var taken = NewEvent(accountId, SecurityEventKind.SignInSucceeded);
        await With(async db => { db.SecurityEvents.Add(taken); await db.SaveChangesAsync(Ct); });
        var clash = NewEvent(accountId, SecurityEventKind.RecoveryInfoChanged);
        clash.Id = taken.Id;
        return ([NewMessage()], clash);
    }

    private static ResetTicket NewTicket(Guid accountId, DateTimeOffset at, string? stamp = null) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, Channel = MessageChannel.Email, RequestKey = "KEY-" + Guid.NewGuid().ToString("N"),
        SecretHash = NewHash(), SecurityStamp = stamp, Destination = "someone@example.com", CreatedAt = at, ExpiresAt = at.AddMinutes(30),
    };

    private static List<BackupCode> NewBackupCodes(Guid accountId) =>
        Enumerable.Range(0, 10).Select(_ => new BackupCode
        {
            Id = Guid.NewGuid(), AccountId = accountId, Hash = "$argon2id$v=19$m=19456,t=2,p=1$" + NewHash(), CreatedAt = T0,
        }).ToList();

    private static PasswordHistoryEntry NewHistory(Guid accountId) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, PasswordHash = "$old$" + NewHash(), ReplacedAt = T0, ReplacedByOwner = true,
    };

    private static Session NewSession(Guid accountId) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, TokenHash = NewHash(), CreatedAt = T0, LastSeenAt = T0, ExpiresAt = T0.AddHours(24),
        AuthenticatedAt = T0,
    };

    private static OutboxMessage NewMessage() => TestRows.Message(MessageChannel.Email, "security-changed", "alice@example.com", T0);

    private static SecurityEvent NewEvent(Guid? accountId, SecurityEventKind kind) => TestRows.Event(accountId, kind, T0);

    private static string NewHash() => TestRows.Hash();
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteRecoveryInfoStoreSpecification() : RecoveryInfoStoreSpecification(new SqliteTestDatabase("recovery-info"));
public sealed class PostgresRecoveryInfoStoreSpecification() : RecoveryInfoStoreSpecification(new PostgresTestDatabase("recovery-info"));
