using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;
using Threshold.Core.Sessions;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for two-step sign-in: <see cref="EfFactorStore"/>,
/// <see cref="EfPendingSignInStore"/> and the passkey state of <see cref="EfSessionStore"/>.
/// Set up by <see cref="DatabaseSpecification"/>: a fresh, migrated database per test, every
/// read through a new context; the derived classes below pick SQLite or PostgreSQL.
/// </summary>
public abstract class FactorStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    // ------------------------------------------------------------------ TOTP

    [Fact]
    public async Task A_pending_authenticator_is_not_confirmed_and_a_new_one_replaces_it()
    {
        var alice = await NewAccountAsync("alice");
        var first = NewTotp(alice.Id, T0);
        await Factors(s => s.SavePendingTotpAsync(first, Ct));

        var pending = await Factors(s => s.PendingTotpAsync(alice.Id, Ct));
        Assert.Equal(first.Id, pending?.Id);
        Assert.Equal(first.ProtectedSecret, pending?.ProtectedSecret);
        Assert.Null(pending?.ConfirmedAt);
        Assert.Null(await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)));

        var second = NewTotp(alice.Id, T0.AddMinutes(1));
        await Factors(s => s.SavePendingTotpAsync(second, Ct));
        Assert.Equal(second.Id, (await Factors(s => s.PendingTotpAsync(alice.Id, Ct)))?.Id);
        Assert.Equal(1, await With(db => db.TotpAuthenticators.CountAsync(Ct)));
        Assert.Null(await Factors(s => s.PendingTotpAsync(Guid.NewGuid(), Ct)));
    }

    [Fact]
    public async Task Confirming_activates_the_pending_authenticator_once_with_its_step_messages_and_event()
    {
        var alice = await NewAccountAsync("alice");
        var pending = NewTotp(alice.Id, T0);
        await Factors(s => s.SavePendingTotpAsync(pending, Ct));
        var change = NewChange(alice.Id, SecurityEventKind.FactorEnrolled, 2);
        var at = T0.AddMinutes(1).AddTicks(3);

        Assert.True(await Factors(s => s.TryConfirmTotpAsync(pending.Id, 1000, at, change, Ct)));

        var confirmed = await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct));
        Assert.Equal(pending.Id, confirmed?.Id);
        AssertInstant(at, confirmed?.ConfirmedAt);
        Assert.Equal(1000, confirmed?.LastUsedStep);
        Assert.Null(await Factors(s => s.PendingTotpAsync(alice.Id, Ct)));
        await AssertRecordedAsync(change);

        Assert.False(await Factors(s => s.TryConfirmTotpAsync(pending.Id, 1001, at, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct)));
        Assert.Equal(1000, (await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)))?.LastUsedStep);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(Ct)));
    }

    [Fact]
    public async Task Confirming_another_accounts_pending_authenticator_does_nothing()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var bobs = NewTotp(bob.Id, T0);
        await Factors(s => s.SavePendingTotpAsync(bobs, Ct));

        Assert.False(await Factors(s => s.TryConfirmTotpAsync(bobs.Id, 1000, T0, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct)));

        Assert.Null(await Factors(s => s.ConfirmedTotpAsync(bob.Id, Ct)));
        Assert.Null(await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)));
        Assert.Equal(bobs.Id, (await Factors(s => s.PendingTotpAsync(bob.Id, Ct)))?.Id);
        Assert.Equal(0, await With(db => db.SecurityEvents.CountAsync(Ct)));
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Confirming_a_new_authenticator_replaces_the_confirmed_one()
    {
        var alice = await NewAccountAsync("alice");
        var old = await ConfirmedTotpAsync(alice.Id);
        var replacement = NewTotp(alice.Id, T0.AddDays(1));
        await Factors(s => s.SavePendingTotpAsync(replacement, Ct));
        // While the new one is pending, the old one is still the active one.
        Assert.Equal(old.Id, (await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)))?.Id);

        Assert.True(await Factors(s => s.TryConfirmTotpAsync(replacement.Id, 2000, T0.AddDays(1), NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct)));

        Assert.Equal(replacement.Id, (await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)))?.Id);
        Assert.Equal([replacement.Id], await With(db => db.TotpAuthenticators.Select(t => t.Id).ToListAsync(Ct)));
    }

    [Fact]
    public async Task A_time_step_is_used_only_forward()
    {
        var alice = await NewAccountAsync("alice");
        var totp = await ConfirmedTotpAsync(alice.Id, step: 1000);

        Assert.False(await Factors(s => s.TryUseTotpStepAsync(totp.Id, 1000, Ct)));  // the confirming step
        Assert.True(await Factors(s => s.TryUseTotpStepAsync(totp.Id, 1001, Ct)));
        Assert.False(await Factors(s => s.TryUseTotpStepAsync(totp.Id, 1001, Ct)));  // the same step again
        Assert.True(await Factors(s => s.TryUseTotpStepAsync(totp.Id, 1005, Ct)));
        Assert.False(await Factors(s => s.TryUseTotpStepAsync(totp.Id, 1003, Ct)));  // older than the last one
        Assert.Equal(1005, (await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)))?.LastUsedStep);
        Assert.False(await Factors(s => s.TryUseTotpStepAsync(Guid.NewGuid(), 2000, Ct)));
    }

    [Fact]
    public async Task Of_several_concurrent_uses_of_a_step_exactly_one_wins()
    {
        var alice = await NewAccountAsync("alice");
        var totp = await ConfirmedTotpAsync(alice.Id, step: 1000);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Factors(s => s.TryUseTotpStepAsync(totp.Id, 1001, Ct)), Ct)));

        Assert.Single(results, won => won);
        Assert.Equal(1001, (await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)))?.LastUsedStep);
    }

    [Fact]
    public async Task Removing_the_authenticator_deletes_it_and_records_the_change()
    {
        var alice = await NewAccountAsync("alice");
        await ConfirmedTotpAsync(alice.Id);
        await Factors(s => s.SavePendingTotpAsync(NewTotp(alice.Id, T0.AddDays(1)), Ct));
        var change = NewChange(alice.Id, SecurityEventKind.FactorRemoved);

        Assert.True(await Factors(s => s.RemoveTotpAsync(alice.Id, change, Ct)));

        Assert.Null(await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)));
        Assert.Null(await Factors(s => s.PendingTotpAsync(alice.Id, Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(e => e.Id == change.Event.Id, Ct)));
        Assert.False(await Factors(s => s.RemoveTotpAsync(alice.Id, NewChange(alice.Id, SecurityEventKind.FactorRemoved), Ct)));
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.FactorRemoved, Ct)));
    }

    // ------------------------------------------------------------ one-time codes

    [Fact]
    public async Task A_code_is_stored_with_its_message_and_event_and_found_by_account_purpose_and_binding()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var code = NewCode(alice.Id, "sign-in:a", T0);
        var message = NewMessage(alice.Email!);
        var sent = NewEvent(alice.Id, SecurityEventKind.CodeSent);

        await Factors(s => s.AddCodeAsync(code, [message], sent, Ct));

        var found = await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "sign-in:a", Ct));
        Assert.Equal(code.Id, found?.Id);
        Assert.Equal(code.CodeHash, found?.CodeHash);
        Assert.Equal(code.Destination, found?.Destination);
        Assert.Equal(MessageChannel.Email, found?.Channel);
        AssertInstant(code.ExpiresAt, found?.ExpiresAt);
        Assert.Equal(0, found?.FailedAttempts);
        Assert.Null(found?.UsedAt);
        Assert.Equal([message.Id], await With(db => db.OutboxMessages.Select(m => m.Id).ToListAsync(Ct)));
        Assert.Equal([sent.Id], await With(db => db.SecurityEvents.Select(e => e.Id).ToListAsync(Ct)));

        Assert.Null(await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "sign-in:b", Ct)));
        Assert.Null(await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.ConfirmPhone, "sign-in:a", Ct)));
        Assert.Null(await Factors(s => s.LatestCodeAsync(bob.Id, CodePurpose.SignIn, "sign-in:a", Ct)));

        var newer = NewCode(alice.Id, "sign-in:a", T0.AddMinutes(1));
        await Factors(s => s.AddCodeAsync(newer, [], NewEvent(alice.Id, SecurityEventKind.CodeSent), Ct));
        Assert.Equal(newer.Id, (await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "sign-in:a", Ct)))?.Id);
    }

    [Fact]
    public async Task Tries_are_counted_up_to_the_limit_and_then_refused()
    {
        var alice = await NewAccountAsync("alice");
        var code = NewCode(alice.Id, "b", T0);
        await Factors(s => s.AddCodeAsync(code, [], NewEvent(alice.Id, SecurityEventKind.CodeSent), Ct));

        for (var expected = 1; expected <= 5; expected++)
            Assert.Equal(expected, await Factors(s => s.TryCountCodeAttemptAsync(code.Id, 5, Ct)));
        Assert.Null(await Factors(s => s.TryCountCodeAttemptAsync(code.Id, 5, Ct)));
        Assert.Null(await Factors(s => s.TryCountCodeAttemptAsync(code.Id, 5, Ct)));
        Assert.Equal(5, (await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "b", Ct)))?.FailedAttempts);
        Assert.Null(await Factors(s => s.TryCountCodeAttemptAsync(Guid.NewGuid(), 5, Ct)));
    }

    [Fact]
    public async Task Concurrent_tries_never_count_past_the_limit()
    {
        var alice = await NewAccountAsync("alice");
        var code = NewCode(alice.Id, "b", T0);
        await Factors(s => s.AddCodeAsync(code, [], NewEvent(alice.Id, SecurityEventKind.CodeSent), Ct));

        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Factors(s => s.TryCountCodeAttemptAsync(code.Id, 5, Ct)), Ct)));

        Assert.Equal(5, counts.Count(c => c is not null));
        Assert.Equal(5, (await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "b", Ct)))?.FailedAttempts);
    }

    [Fact]
    public async Task A_code_is_used_once()
    {
        var alice = await NewAccountAsync("alice");
        var code = NewCode(alice.Id, "b", T0);
        await Factors(s => s.AddCodeAsync(code, [], NewEvent(alice.Id, SecurityEventKind.CodeSent), Ct));
        Assert.Equal(1, await Factors(s => s.TryCountCodeAttemptAsync(code.Id, 5, Ct)));
        var at = T0.AddMinutes(2).AddTicks(5);

        Assert.True(await Factors(s => s.TryUseCodeAsync(code.Id, at, Ct)));
        Assert.False(await Factors(s => s.TryUseCodeAsync(code.Id, at.AddSeconds(1), Ct)));

        var used = await Factors(s => s.LatestCodeAsync(alice.Id, CodePurpose.SignIn, "b", Ct));
        AssertInstant(at, used?.UsedAt);
        Assert.Equal(0, used?.FailedAttempts); // the right answer is not a failed try
    }

    [Fact]
    public async Task Of_several_concurrent_uses_of_a_code_exactly_one_wins()
    {
        var alice = await NewAccountAsync("alice");
        var code = NewCode(alice.Id, "b", T0);
        await Factors(s => s.AddCodeAsync(code, [], NewEvent(alice.Id, SecurityEventKind.CodeSent), Ct));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Factors(s => s.TryUseCodeAsync(code.Id, T0.AddSeconds(i), Ct)), Ct)));

        Assert.Single(results, won => won);
    }

    // -------------------------------------------------------------- backup codes

    [Fact]
    public async Task Replacing_backup_codes_removes_the_old_ones_and_records_the_change()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var old = NewBackupCodes(alice.Id, 10);
        var bobs = NewBackupCodes(bob.Id, 10);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, old, NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        await Factors(s => s.ReplaceBackupCodesAsync(bob.Id, bobs, NewChange(bob.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        var renewed = NewBackupCodes(alice.Id, 10);
        var change = NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated, 1);

        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, renewed, change, Ct));

        var unused = await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct));
        Assert.Equal(renewed.Select(c => c.Id).Order(), unused.Select(c => c.Id).Order());
        Assert.Equal(renewed.Select(c => c.Hash).Order(), unused.Select(c => c.Hash).Order());
        Assert.Equal(10, (await Factors(s => s.UnusedBackupCodesAsync(bob.Id, Ct))).Count);
        await AssertRecordedAsync(change);
    }

    [Fact]
    public async Task A_backup_code_is_used_once_with_its_event()
    {
        var alice = await NewAccountAsync("alice");
        var codes = NewBackupCodes(alice.Id, 10);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, codes, NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        var used = NewChange(alice.Id, SecurityEventKind.BackupCodeUsed, 1);

        Assert.True(await Factors(s => s.TryUseBackupCodeAsync(codes[4].Id, T0.AddHours(1), used, Ct)));
        Assert.False(await Factors(s => s.TryUseBackupCodeAsync(codes[4].Id, T0.AddHours(2), NewChange(alice.Id, SecurityEventKind.BackupCodeUsed), Ct)));

        var unused = await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct));
        Assert.Equal(9, unused.Count);
        Assert.DoesNotContain(unused, c => c.Id == codes[4].Id);
        AssertInstant(T0.AddHours(1), await With(db => db.BackupCodes.Where(c => c.Id == codes[4].Id).Select(c => c.UsedAt).SingleAsync(Ct)));
        await AssertRecordedAsync(used);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.BackupCodeUsed, Ct)));
    }

    [Fact]
    public async Task Of_several_concurrent_uses_of_a_backup_code_exactly_one_wins()
    {
        var alice = await NewAccountAsync("alice");
        var codes = NewBackupCodes(alice.Id, 10);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, codes, NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Factors(s => s.TryUseBackupCodeAsync(codes[0].Id, T0.AddSeconds(i), NewChange(alice.Id, SecurityEventKind.BackupCodeUsed), Ct)), Ct)));

        Assert.Single(results, won => won);
        Assert.Equal(1, await With(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.BackupCodeUsed, Ct)));
    }

    // ------------------------------------------------------------------ passkeys

    [Fact]
    public async Task Passkeys_are_added_listed_renamed_and_removed_per_account()
    {
        var alice = await NewAccountAsync("alice");
        var first = NewPasskey("Work laptop", T0);
        var second = NewPasskey("Blue key", T0.AddDays(1));
        var added = NewChange(alice.Id, SecurityEventKind.FactorEnrolled, 1);
        await Factors(s => s.AddPasskeyAsync(alice.Id, first, added, Ct));
        await Factors(s => s.AddPasskeyAsync(alice.Id, second, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        await AssertRecordedAsync(added);

        var listed = await Factors(s => s.PasskeysAsync(alice.Id, Ct));
        Assert.Equal(["Work laptop", "Blue key"], listed.Select(p => p.Name));
        Assert.Equal(first.CredentialId, listed[0].CredentialId);
        AssertInstant(first.CreatedAt, listed[0].CreatedAt);
        var stored = await With(db => db.UserPasskeys.AsNoTracking().SingleAsync(p => p.CredentialId == first.CredentialId, Ct));
        Assert.Equal(alice.Id, stored.UserId);
        Assert.Equal(first.PublicKey, stored.Data.PublicKey);
        Assert.Equal(first.SignCount, stored.Data.SignCount);
        Assert.Equal(first.Transports, stored.Data.Transports);

        Assert.True(await Factors(s => s.RenamePasskeyAsync(alice.Id, first.CredentialId, "Home laptop", Ct)));
        Assert.Equal("Home laptop", (await Factors(s => s.PasskeysAsync(alice.Id, Ct)))[0].Name);

        var removed = NewChange(alice.Id, SecurityEventKind.FactorRemoved, 1);
        Assert.True(await Factors(s => s.RemovePasskeyAsync(alice.Id, first.CredentialId, removed, Ct)));
        Assert.Equal([second.CredentialId], (await Factors(s => s.PasskeysAsync(alice.Id, Ct))).Select(p => p.CredentialId));
        await AssertRecordedAsync(removed);
        Assert.False(await Factors(s => s.RemovePasskeyAsync(alice.Id, first.CredentialId, NewChange(alice.Id, SecurityEventKind.FactorRemoved), Ct)));
        Assert.False(await Factors(s => s.RenamePasskeyAsync(alice.Id, first.CredentialId, "Gone", Ct)));
    }

    [Fact]
    public async Task Another_accounts_passkey_can_be_neither_renamed_nor_removed()
    {
        var alice = await NewAccountAsync("alice");
        var mallory = await NewAccountAsync("mallory");
        var passkey = NewPasskey("Work laptop", T0);
        await Factors(s => s.AddPasskeyAsync(alice.Id, passkey, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        var events = await With(db => db.SecurityEvents.CountAsync(Ct));
        var messages = await With(db => db.OutboxMessages.CountAsync(Ct));

        Assert.False(await Factors(s => s.RenamePasskeyAsync(mallory.Id, passkey.CredentialId, "Mine now", Ct)));
        Assert.False(await Factors(s => s.RemovePasskeyAsync(mallory.Id, passkey.CredentialId, NewChange(mallory.Id, SecurityEventKind.FactorRemoved, 1), Ct)));

        var listed = Assert.Single(await Factors(s => s.PasskeysAsync(alice.Id, Ct)));
        Assert.Equal("Work laptop", listed.Name);
        Assert.Empty(await Factors(s => s.PasskeysAsync(mallory.Id, Ct)));
        Assert.Equal(events, await With(db => db.SecurityEvents.CountAsync(Ct)));
        Assert.Equal(messages, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Updating_a_passkey_keeps_its_name_and_stores_the_counter()
    {
        var alice = await NewAccountAsync("alice");
        var passkey = NewPasskey("Work laptop", T0);
        await Factors(s => s.AddPasskeyAsync(alice.Id, passkey, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        var used = NewPasskey(null, T0, passkey.CredentialId, signCount: 42);

        await Factors(s => s.UpdatePasskeyAsync(alice.Id, used, Ct));

        var stored = await With(db => db.UserPasskeys.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(42u, stored.Data.SignCount);
        Assert.Equal("Work laptop", stored.Data.Name);
    }

    // ------------------------------------------------ enrolment and the last factor

    [Fact]
    public async Task Removing_the_last_factor_deletes_the_backup_codes_and_the_preference()
    {
        var alice = await NewAccountAsync("alice");
        await ConfirmedTotpAsync(alice.Id);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        await Factors(s => s.SetPreferredAsync(alice.Id, SecondFactorKind.Totp, Ct));
        var bob = await NewAccountAsync("bob");
        await Factors(s => s.ReplaceBackupCodesAsync(bob.Id, NewBackupCodes(bob.Id, 10), NewChange(bob.Id, SecurityEventKind.BackupCodesGenerated), Ct));

        Assert.True(await Factors(s => s.RemoveTotpAsync(alice.Id, NewChange(alice.Id, SecurityEventKind.FactorRemoved), Ct)));

        Assert.Empty(await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct)));
        Assert.Equal(0, await With(db => db.BackupCodes.CountAsync(c => c.AccountId == alice.Id, Ct)));
        Assert.Null((await AccountAsync(alice.Id)).PreferredSecondFactor);
        Assert.Equal(10, (await Factors(s => s.UnusedBackupCodesAsync(bob.Id, Ct))).Count);
    }

    [Fact]
    public async Task Removing_the_last_passkey_deletes_the_backup_codes()
    {
        var alice = await NewAccountAsync("alice");
        var passkey = NewPasskey("Key", T0);
        await Factors(s => s.AddPasskeyAsync(alice.Id, passkey, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        await Factors(s => s.SetPreferredAsync(alice.Id, SecondFactorKind.SecurityKey, Ct));

        Assert.True(await Factors(s => s.RemovePasskeyAsync(alice.Id, passkey.CredentialId, NewChange(alice.Id, SecurityEventKind.FactorRemoved), Ct)));

        Assert.Empty(await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct)));
        Assert.Null((await AccountAsync(alice.Id)).PreferredSecondFactor);
    }

    [Fact]
    public async Task Turning_off_the_last_code_channel_deletes_the_backup_codes()
    {
        var alice = await NewAccountAsync("alice");
        await Factors(s => s.SetCodeChannelAsync(alice.Id, MessageChannel.Email, true, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        Assert.True((await AccountAsync(alice.Id)).EmailCodesEnabled);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        var off = NewChange(alice.Id, SecurityEventKind.FactorRemoved, 1);

        await Factors(s => s.SetCodeChannelAsync(alice.Id, MessageChannel.Email, false, off, Ct));

        Assert.False((await AccountAsync(alice.Id)).EmailCodesEnabled);
        Assert.Empty(await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct)));
        await AssertRecordedAsync(off);
    }

    [Fact]
    public async Task Removing_one_factor_while_another_is_left_keeps_the_backup_codes_and_the_preference()
    {
        var alice = await NewAccountAsync("alice");
        await ConfirmedTotpAsync(alice.Id);
        await Factors(s => s.AddPasskeyAsync(alice.Id, NewPasskey("Key", T0), NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        await Factors(s => s.SetPreferredAsync(alice.Id, SecondFactorKind.SecurityKey, Ct));

        Assert.True(await Factors(s => s.RemoveTotpAsync(alice.Id, NewChange(alice.Id, SecurityEventKind.FactorRemoved), Ct)));

        Assert.Equal(10, (await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct))).Count);
        Assert.Equal(SecondFactorKind.SecurityKey, (await AccountAsync(alice.Id)).PreferredSecondFactor);
    }

    public static TheoryData<string> Enrolments => new() { "totp", "passkey", "email", "phone" };

    [Theory]
    [MemberData(nameof(Enrolments))]
    public async Task Enrolling_releases_only_the_accounts_sessions_from_required_enrolment(string how)
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var aliceSessions = new[] { NewSession(alice.Id, mustEnrol: true), NewSession(alice.Id, mustEnrol: true) };
        var bobSession = NewSession(bob.Id, mustEnrol: true);
        await With(async db => { db.Sessions.AddRange([.. aliceSessions, bobSession]); await db.SaveChangesAsync(Ct); });
        var change = NewChange(alice.Id, SecurityEventKind.FactorEnrolled, 1);

        switch (how)
        {
            case "totp":
                var pending = NewTotp(alice.Id, T0);
                await Factors(s => s.SavePendingTotpAsync(pending, Ct));
                Assert.Equal(2, await MustEnrolCountAsync(alice.Id)); // a pending key enrols nothing
                Assert.True(await Factors(s => s.TryConfirmTotpAsync(pending.Id, 1, T0, change, Ct)));
                break;
            case "passkey":
                await Factors(s => s.AddPasskeyAsync(alice.Id, NewPasskey("Key", T0), change, Ct));
                break;
            case "email":
                await Factors(s => s.SetCodeChannelAsync(alice.Id, MessageChannel.Email, true, change, Ct));
                break;
            case "phone":
                await Factors(s => s.ConfirmPhoneAsync(alice.Id, "+442079460123", T0, change, Ct));
                var account = await AccountAsync(alice.Id);
                Assert.Equal("+442079460123", account.PhoneNumber);
                Assert.True(account.PhoneNumberConfirmed);
                Assert.True(account.SmsCodesEnabled);
                break;
        }

        Assert.Equal(0, await MustEnrolCountAsync(alice.Id));
        Assert.Equal(1, await MustEnrolCountAsync(bob.Id));
        await AssertRecordedAsync(change);
    }

    // ------------------------------------------------- all or nothing per change

    [Fact]
    public async Task A_confirmation_whose_event_cannot_be_written_confirms_nothing()
    {
        var alice = await NewAccountAsync("alice");
        await With(async db => { db.Sessions.Add(NewSession(alice.Id, mustEnrol: true)); await db.SaveChangesAsync(Ct); });
        var pending = NewTotp(alice.Id, T0);
        await Factors(s => s.SavePendingTotpAsync(pending, Ct));

        var failing = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.TryConfirmTotpAsync(pending.Id, 1, T0, failing, Ct)));

        Assert.Null(await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)));
        Assert.Equal(pending.Id, (await Factors(s => s.PendingTotpAsync(alice.Id, Ct)))?.Id);
        Assert.Equal(1, await MustEnrolCountAsync(alice.Id));
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_passkey_whose_event_cannot_be_written_is_not_added()
    {
        var alice = await NewAccountAsync("alice");
        var failing = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.AddPasskeyAsync(alice.Id, NewPasskey("Key", T0), failing, Ct)));
        Assert.Empty(await Factors(s => s.PasskeysAsync(alice.Id, Ct)));
        Assert.Equal(0, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_removal_whose_event_cannot_be_written_removes_nothing()
    {
        var alice = await NewAccountAsync("alice");
        await ConfirmedTotpAsync(alice.Id);
        var passkey = NewPasskey("Key", T0);
        await Factors(s => s.AddPasskeyAsync(alice.Id, passkey, NewChange(alice.Id, SecurityEventKind.FactorEnrolled), Ct));
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));
        var messages = await With(db => db.OutboxMessages.CountAsync(Ct));

        var failing = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.RemovePasskeyAsync(alice.Id, passkey.CredentialId, failing, Ct)));
        var again = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.RemoveTotpAsync(alice.Id, again, Ct)));

        Assert.Single(await Factors(s => s.PasskeysAsync(alice.Id, Ct)));
        Assert.NotNull(await Factors(s => s.ConfirmedTotpAsync(alice.Id, Ct)));
        Assert.Equal(10, (await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct))).Count);
        Assert.Equal(messages, await With(db => db.OutboxMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Backup_codes_whose_event_cannot_be_written_are_neither_replaced_nor_used()
    {
        var alice = await NewAccountAsync("alice");
        var codes = NewBackupCodes(alice.Id, 10);
        await Factors(s => s.ReplaceBackupCodesAsync(alice.Id, codes, NewChange(alice.Id, SecurityEventKind.BackupCodesGenerated), Ct));

        var failing = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.ReplaceBackupCodesAsync(alice.Id, NewBackupCodes(alice.Id, 10), failing, Ct)));
        var again = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.TryUseBackupCodeAsync(codes[0].Id, T0, again, Ct)));

        var unused = await Factors(s => s.UnusedBackupCodesAsync(alice.Id, Ct));
        Assert.Equal(codes.Select(c => c.Id).Order(), unused.Select(c => c.Id).Order());
    }

    [Fact]
    public async Task A_code_channel_change_whose_event_cannot_be_written_changes_nothing()
    {
        var alice = await NewAccountAsync("alice");
        await With(async db => { db.Sessions.Add(NewSession(alice.Id, mustEnrol: true)); await db.SaveChangesAsync(Ct); });

        var failing = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.SetCodeChannelAsync(alice.Id, MessageChannel.Email, true, failing, Ct)));
        var again = await FailingChangeAsync(alice.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => Factors(s => s.ConfirmPhoneAsync(alice.Id, "+442079460123", T0, again, Ct)));

        var account = await AccountAsync(alice.Id);
        Assert.False(account.EmailCodesEnabled);
        Assert.False(account.SmsCodesEnabled);
        Assert.False(account.PhoneNumberConfirmed);
        Assert.Null(account.PhoneNumber);
        Assert.Equal(1, await MustEnrolCountAsync(alice.Id));
    }

    // ----------------------------------------------------------------- counters

    [Fact]
    public async Task Second_factor_failures_are_counted_and_cleared_apart_from_password_failures()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        await Factors(s => s.CountSecondFactorFailureAsync(alice.Id, T0, Ct));
        await Factors(s => s.CountSecondFactorFailureAsync(alice.Id, T0.AddSeconds(5), Ct));

        var account = await AccountAsync(alice.Id);
        Assert.Equal(2, account.SecondFactorFailures);
        AssertInstant(T0.AddSeconds(5), account.SecondFactorFailedAt);
        Assert.Equal(0, account.AccessFailedCount);
        Assert.Equal(0, (await AccountAsync(bob.Id)).SecondFactorFailures);

        await Factors(s => s.ClearSecondFactorFailuresAsync(alice.Id, Ct));
        account = await AccountAsync(alice.Id);
        Assert.Equal(0, account.SecondFactorFailures);
        Assert.Null(account.SecondFactorFailedAt);
    }

    // --------------------------------------------------------- pending sign-ins

    [Fact]
    public async Task A_pending_sign_in_is_found_by_its_token_hash_and_ends_once()
    {
        var alice = await NewAccountAsync("alice");
        var pending = NewPending(alice.Id, T0);
        await Pending(s => s.CreateAsync(pending, Ct));

        var found = await Pending(s => s.FindByTokenHashAsync(pending.TokenHash, Ct));
        Assert.Equal(pending.Id, found?.Id);
        Assert.Equal(alice.Id, found?.AccountId);
        Assert.Equal(PendingSignInPurpose.SignIn, found?.Purpose);
        Assert.True(found?.Persistent);
        AssertInstant(pending.ExpiresAt, found?.ExpiresAt);
        Assert.Null(await Pending(s => s.FindByTokenHashAsync(NewHash(), Ct)));

        Assert.True(await Pending(s => s.TryDeleteAsync(pending.Id, Ct)));
        Assert.False(await Pending(s => s.TryDeleteAsync(pending.Id, Ct)));
        Assert.Null(await Pending(s => s.FindByTokenHashAsync(pending.TokenHash, Ct)));
    }

    [Fact]
    public async Task Of_several_concurrent_ends_of_a_pending_sign_in_exactly_one_wins()
    {
        var alice = await NewAccountAsync("alice");
        var pending = NewPending(alice.Id, T0);
        await Pending(s => s.CreateAsync(pending, Ct));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Pending(s => s.TryDeleteAsync(pending.Id, Ct)), Ct)));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task Expired_pending_sign_ins_are_deleted_and_current_ones_kept()
    {
        var alice = await NewAccountAsync("alice");
        var expired = NewPending(alice.Id, T0.AddMinutes(-20));
        var current = NewPending(alice.Id, T0.AddMinutes(-5));
        await Pending(s => s.CreateAsync(expired, Ct));
        await Pending(s => s.CreateAsync(current, Ct));

        await Pending(s => s.DeleteExpiredAsync(T0, Ct));

        Assert.Null(await Pending(s => s.FindByTokenHashAsync(expired.TokenHash, Ct)));
        Assert.NotNull(await Pending(s => s.FindByTokenHashAsync(current.TokenHash, Ct)));
    }

    [Fact]
    public async Task A_passkey_sign_in_keeps_its_state_without_an_account()
    {
        var pending = NewPending(null, T0);
        pending.Purpose = PendingSignInPurpose.Passkey;
        await Pending(s => s.CreateAsync(pending, Ct));
        var state = "{\"challenge\":\"" + new string('x', 4000) + "\"}";

        await Pending(s => s.SetPasskeyStateAsync(pending.Id, state, Ct));

        var found = await Pending(s => s.FindByTokenHashAsync(pending.TokenHash, Ct));
        Assert.Null(found?.AccountId);
        Assert.Equal(state, found?.PasskeyState);
    }

    // --------------------------------------------------------- session passkey state

    [Fact]
    public async Task A_sessions_passkey_state_is_taken_once()
    {
        var alice = await NewAccountAsync("alice");
        var session = NewSession(alice.Id);
        await Sessions(s => s.CreateAsync(session, Ct));
        await Sessions(s => s.SetPasskeyStateAsync(session.Id, "state-1", Ct));

        Assert.Equal("state-1", await Sessions(s => s.TakePasskeyStateAsync(session.Id, Ct)));
        Assert.Null(await Sessions(s => s.TakePasskeyStateAsync(session.Id, Ct)));
        Assert.Null((await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct)))?.PasskeyState);
        Assert.Null(await Sessions(s => s.TakePasskeyStateAsync(Guid.NewGuid(), Ct)));
    }

    [Fact]
    public async Task Of_several_concurrent_takes_of_a_passkey_state_exactly_one_gets_it()
    {
        var alice = await NewAccountAsync("alice");
        var session = NewSession(alice.Id);
        await Sessions(s => s.CreateAsync(session, Ct));
        await Sessions(s => s.SetPasskeyStateAsync(session.Id, "state-1", Ct));

        var taken = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sessions(s => s.TakePasskeyStateAsync(session.Id, Ct)), Ct)));

        Assert.Equal("state-1", Assert.Single(taken, t => t is not null));
    }

    [Fact]
    public async Task Marking_a_session_authenticated_stores_the_instant()
    {
        var alice = await NewAccountAsync("alice");
        var session = NewSession(alice.Id);
        await Sessions(s => s.CreateAsync(session, Ct));
        var at = T0.AddMinutes(42).AddTicks(9);
        await Sessions(s => s.MarkAuthenticatedAsync(session.Id, at, multiFactor: false, Ct));
        AssertInstant(at, (await Sessions(s => s.FindByTokenHashAsync(session.TokenHash, Ct)))?.AuthenticatedAt);
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> Factors<T>(Func<EfFactorStore, Task<T>> action) => With(db => action(new EfFactorStore(db)));
    private Task Factors(Func<EfFactorStore, Task> action) => With(db => action(new EfFactorStore(db)));
    private Task<T> Pending<T>(Func<EfPendingSignInStore, Task<T>> action) => With(db => action(new EfPendingSignInStore(db)));
    private Task Pending(Func<EfPendingSignInStore, Task> action) => With(db => action(new EfPendingSignInStore(db)));
    private Task<T> Sessions<T>(Func<EfSessionStore, Task<T>> action) => With(db => action(new EfSessionStore(db)));
    private Task Sessions(Func<EfSessionStore, Task> action) => With(db => action(new EfSessionStore(db)));

    private Task<Account> AccountAsync(Guid id) => With(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id, Ct));

    private Task<int> MustEnrolCountAsync(Guid accountId) =>
        With(db => db.Sessions.CountAsync(s => s.AccountId == accountId && s.MustEnrolTwoFactor, Ct));

    /// <summary>The change's messages and event are stored, each once.</summary>
    private async Task AssertRecordedAsync(FactorChangeRecord change)
    {
        var recorded = await With(db => db.SecurityEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == change.Event.Id, Ct));
        Assert.NotNull(recorded);
        Assert.Equal(change.Event.Kind, recorded.Kind);
        Assert.Equal(change.Event.ReferenceCode, recorded.ReferenceCode);
        var ids = change.Messages.Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, await With(db => db.OutboxMessages.CountAsync(m => ids.Contains(m.Id), Ct)));
    }

    private async Task<TotpAuthenticator> ConfirmedTotpAsync(Guid accountId, long step = 1000)
    {
        var totp = NewTotp(accountId, T0);
        await Factors(s => s.SavePendingTotpAsync(totp, Ct));
        Assert.True(await Factors(s => s.TryConfirmTotpAsync(totp.Id, step, T0, NewChange(accountId, SecurityEventKind.FactorEnrolled), Ct)));
        return totp;
    }

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        await AddAsync(account);
        return account;
    }

    private static TotpAuthenticator NewTotp(Guid accountId, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, ProtectedSecret = "CfDJ8" + NewHash(), CreatedAt = at,
    };

    private static OneTimeCode NewCode(Guid accountId, string binding, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, Purpose = CodePurpose.SignIn, Channel = MessageChannel.Email, Destination = "alice@example.com",
        CodeHash = NewHash(), Binding = binding, CreatedAt = at, ExpiresAt = at.AddMinutes(10),
    };

    private static List<BackupCode> NewBackupCodes(Guid accountId, int count) =>
        Enumerable.Range(0, count).Select(_ => new BackupCode
        {
            Id = Guid.NewGuid(), AccountId = accountId, Hash = "$argon2id$v=19$m=19456,t=2,p=1$" + NewHash(), CreatedAt = T0,
        }).ToList();

    private static UserPasskeyInfo NewPasskey(string? name, DateTimeOffset createdAt, byte[]? credentialId = null, uint signCount = 0) =>
        new(credentialId ?? Guid.NewGuid().ToByteArray(), publicKey: [1, 2, 3, 4], createdAt, signCount, transports: ["usb", "nfc"],
            isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [5, 6], clientDataJson: [7, 8])
        { Name = name };

    private static PendingSignIn NewPending(Guid? accountId, DateTimeOffset createdAt) => new()
    {
        Id = Guid.NewGuid(), TokenHash = NewHash(), Purpose = PendingSignInPurpose.SignIn, AccountId = accountId, Persistent = true,
        CreatedAt = createdAt, ExpiresAt = createdAt.AddMinutes(10),
    };

    private static Session NewSession(Guid accountId, bool mustEnrol = false) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, TokenHash = NewHash(), CreatedAt = T0, LastSeenAt = T0, ExpiresAt = T0.AddHours(24),
        AuthenticatedAt = T0, MustEnrolTwoFactor = mustEnrol,
    };

    private static FactorChangeRecord NewChange(Guid accountId, SecurityEventKind kind, int messages = 1) =>
        new(Enumerable.Range(0, messages).Select(_ => NewMessage("alice@example.com")).ToList(), NewEvent(accountId, kind));

    /// <summary>A change whose event cannot be stored (its id is taken), so the transaction around it must roll back.</summary>
    private async Task<FactorChangeRecord> FailingChangeAsync(Guid accountId)
    {
        var taken = NewEvent(accountId, SecurityEventKind.SignInSucceeded);
        await With(async db => { db.SecurityEvents.Add(taken); await db.SaveChangesAsync(Ct); });
        var clash = NewEvent(accountId, SecurityEventKind.FactorEnrolled);
        clash.Id = taken.Id;
        return new([NewMessage("alice@example.com")], clash);
    }

    private static OutboxMessage NewMessage(string to) => TestRows.Message(MessageChannel.Email, "security-changed", to, T0);

    private static SecurityEvent NewEvent(Guid? accountId, SecurityEventKind kind) => TestRows.Event(accountId, kind, T0);

    private static string NewHash() => TestRows.Hash();

}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteFactorStoreSpecification() : FactorStoreSpecification(new SqliteTestDatabase("factors"));
public sealed class PostgresFactorStoreSpecification() : FactorStoreSpecification(new PostgresTestDatabase("factors"));
