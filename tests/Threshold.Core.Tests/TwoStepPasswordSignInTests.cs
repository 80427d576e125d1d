using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Sessions;

namespace Threshold.Core.Tests;

/// <summary>The password step when two-step sign-in is on, required, or skipped for a remembered device.</summary>
public class TwoStepPasswordSignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TwoFactorRig _rig = new();

    private Task<PasswordSignInResult> SignInAsync(RememberedDevice? remembered = null, string password = TwoFactorRig.Password) =>
        _rig.PasswordSignIn().SignInAsync(new PasswordSignInRequest("alice", password, TwoFactorRig.Client, remembered), Ct);

    private RememberedDevice Remembered(Account account, TimeSpan? for_ = null) =>
        new(account.Id, account.SecurityStamp!, _rig.Clock.GetUtcNow() + (for_ ?? TimeSpan.FromDays(30)));

    [Fact]
    public async Task Without_a_factor_the_password_completes_the_sign_in()
    {
        _rig.AddAccount("alice");
        var result = await SignInAsync();
        Assert.True(result.Succeeded);
        Assert.False(result.NeedsSecondStep);
        Assert.False(result.MustEnrol);
        Assert.Equal(SecurityEventKind.SignInSucceeded, Assert.Single(_rig.Events.Events).Kind);
    }

    [Fact]
    public async Task With_a_factor_the_password_asks_for_a_second_step_and_does_not_record_a_sign_in()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);

        var result = await SignInAsync();

        Assert.True(result.Succeeded);
        Assert.True(result.NeedsSecondStep);
        Assert.False(result.MustEnrol);
        Assert.True(result.Factors!.Has(SecondFactorKind.Totp));
        var recorded = Assert.Single(_rig.Events.Events);
        Assert.Equal(SecurityEventKind.SecondFactorRequired, recorded.Kind);
        Assert.Equal(alice.Id, recorded.AccountId);
        Assert.DoesNotContain(_rig.Events.Events, e => e.Kind == SecurityEventKind.SignInSucceeded);
    }

    [Fact]
    public async Task Email_codes_alone_count_as_a_factor()
    {
        _rig.AddAccount("alice", emailCodes: true);
        Assert.True((await SignInAsync()).NeedsSecondStep);
    }

    [Fact]
    public async Task Email_codes_no_longer_count_once_the_operator_turns_them_off()
    {
        _rig.AddAccount("alice", emailCodes: true);
        _rig.Options.AllowEmail = false;
        Assert.False((await SignInAsync()).NeedsSecondStep);
    }

    [Fact]
    public async Task Backup_codes_alone_do_not_turn_two_step_sign_in_on()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        Assert.False((await SignInAsync()).NeedsSecondStep);
    }

    [Fact]
    public async Task A_remembered_device_skips_the_second_step()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);

        var result = await SignInAsync(Remembered(alice));

        Assert.True(result.Succeeded);
        Assert.False(result.NeedsSecondStep);
        var recorded = Assert.Single(_rig.Events.Events);
        Assert.Equal(SecurityEventKind.SignInSucceeded, recorded.Kind);
        Assert.Equal("password+remembered_device", recorded.Reason);
    }

    [Fact]
    public async Task A_remembered_device_does_not_skip_a_wrong_password()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var result = await SignInAsync(Remembered(alice), "wrong password");
        Assert.Equal(SignInOutcome.InvalidCredentials, result.Outcome);
        Assert.False(result.NeedsSecondStep);
        Assert.DoesNotContain(_rig.Events.Events, e => e.Kind == SecurityEventKind.SignInSucceeded);
    }

    [Fact]
    public async Task Another_accounts_remembered_device_does_not_skip_the_second_step()
    {
        var alice = _rig.AddAccount("alice");
        var bob = _rig.AddAccount("bob");
        await _rig.EnrolTotpAsync(alice, Ct);
        Assert.True((await SignInAsync(Remembered(bob))).NeedsSecondStep);
    }

    [Fact]
    public async Task An_expired_remembered_device_does_not_skip_the_second_step()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var remembered = Remembered(alice, TimeSpan.FromDays(30));
        _rig.Clock.Advance(TimeSpan.FromDays(30));
        Assert.True((await SignInAsync(remembered)).NeedsSecondStep);
    }

    [Fact]
    public async Task A_remembered_device_from_before_a_security_stamp_change_does_not_skip_the_second_step()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var remembered = Remembered(alice);
        _rig.Accounts.Get(alice.Id)!.SecurityStamp = Guid.NewGuid().ToString("N"); // a password reset or "sign out everywhere"
        Assert.True((await SignInAsync(remembered)).NeedsSecondStep);
    }

    [Fact]
    public async Task When_two_step_sign_in_is_required_an_account_without_a_factor_must_enrol()
    {
        _rig.Options.Required = TwoFactorRequirement.All;
        _rig.AddAccount("alice");
        var result = await SignInAsync();
        Assert.True(result.Succeeded);
        Assert.True(result.MustEnrol);
        Assert.False(result.NeedsSecondStep);
    }

    [Fact]
    public async Task When_required_an_account_with_a_factor_goes_to_the_second_step_not_enrolment()
    {
        _rig.Options.Required = TwoFactorRequirement.All;
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var result = await SignInAsync();
        Assert.False(result.MustEnrol);
        Assert.True(result.NeedsSecondStep);
    }

    [Fact]
    public async Task By_default_no_one_must_enrol()
    {
        Assert.Equal(TwoFactorRequirement.None, new TwoFactorOptions().Required);
        _rig.AddAccount("alice");
        Assert.False((await SignInAsync()).MustEnrol);
    }
}

public class RememberedDeviceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly Account Alice = new() { Id = Guid.NewGuid(), UserName = "alice", SecurityStamp = "stamp-1" };

    [Fact]
    public void Covers_the_same_account_with_the_same_stamp_before_it_expires()
    {
        Assert.True(new RememberedDevice(Alice.Id, "stamp-1", Now.AddDays(30)).Covers(Alice, Now));
        Assert.True(new RememberedDevice(Alice.Id, "stamp-1", Now.AddTicks(1)).Covers(Alice, Now));
    }

    [Fact]
    public void Does_not_cover_another_account()
    {
        var bob = new Account { Id = Guid.NewGuid(), UserName = "bob", SecurityStamp = "stamp-1" };
        Assert.False(new RememberedDevice(Alice.Id, "stamp-1", Now.AddDays(30)).Covers(bob, Now));
    }

    [Fact]
    public void Does_not_cover_a_changed_security_stamp()
    {
        Assert.False(new RememberedDevice(Alice.Id, "stamp-0", Now.AddDays(30)).Covers(Alice, Now));
    }

    [Fact]
    public void Does_not_cover_once_expired()
    {
        Assert.False(new RememberedDevice(Alice.Id, "stamp-1", Now).Covers(Alice, Now));
        Assert.False(new RememberedDevice(Alice.Id, "stamp-1", Now.AddDays(-1)).Covers(Alice, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Does_not_cover_an_account_without_a_stamp(string? stamp)
    {
        var account = new Account { Id = Alice.Id, SecurityStamp = stamp };
        Assert.False(new RememberedDevice(Alice.Id, stamp ?? "", Now.AddDays(30)).Covers(account, Now));
    }
}

public class ReauthenticationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TwoFactorRig _rig = new();

    private Session NewSession(Guid accountId, DateTimeOffset authenticatedAt) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, TokenHash = Guid.NewGuid().ToString("N"), CreatedAt = authenticatedAt,
        LastSeenAt = authenticatedAt, ExpiresAt = authenticatedAt.AddDays(1), AuthenticatedAt = authenticatedAt,
    };

    [Fact]
    public void The_window_is_ten_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), new TwoFactorOptions().ReauthenticationWindow);
        var now = _rig.Clock.GetUtcNow();
        Assert.True(_rig.Reauthentication.IsRecent(NewSession(Guid.NewGuid(), now)));
        Assert.True(_rig.Reauthentication.IsRecent(NewSession(Guid.NewGuid(), now.AddMinutes(-10))));
        Assert.False(_rig.Reauthentication.IsRecent(NewSession(Guid.NewGuid(), now.AddMinutes(-10).AddTicks(-1))));
        Assert.False(_rig.Reauthentication.IsRecent(NewSession(Guid.NewGuid(), now.AddHours(-3))));
    }

    [Fact]
    public void A_session_stops_being_recent_as_time_passes()
    {
        var session = NewSession(Guid.NewGuid(), _rig.Clock.GetUtcNow());
        _rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(_rig.Reauthentication.IsRecent(session));
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_rig.Reauthentication.IsRecent(session));
    }

    [Fact]
    public async Task The_password_alone_makes_a_session_without_factors_recent_again()
    {
        var alice = _rig.AddAccount("alice");
        var session = NewSession(alice.Id, _rig.Clock.GetUtcNow().AddHours(-1));
        await _rig.Sessions.CreateAsync(session, Ct);

        Assert.Equal(Flows.StepUp.ReauthenticationOutcome.WrongPassword,
            (await _rig.Reauthentication.WithPasswordAsync(alice, session, "wrong", TwoFactorRig.Client, Ct)).Outcome);
        Assert.False(_rig.Reauthentication.IsRecent(_rig.Sessions.Get(session.Id)!));

        var result = await _rig.Reauthentication.WithPasswordAsync(alice, session, TwoFactorRig.Password, TwoFactorRig.Client, Ct);
        Assert.Equal(Flows.StepUp.ReauthenticationOutcome.Done, result.Outcome);
        Assert.True(_rig.Reauthentication.IsRecent(_rig.Sessions.Get(session.Id)!));
    }

    [Fact]
    public async Task With_a_factor_the_password_alone_does_not_make_the_session_recent()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var session = NewSession(alice.Id, _rig.Clock.GetUtcNow().AddHours(-1));
        await _rig.Sessions.CreateAsync(session, Ct);

        var result = await _rig.Reauthentication.WithPasswordAsync(alice, session, TwoFactorRig.Password, TwoFactorRig.Client, Ct);

        Assert.Equal(Flows.StepUp.ReauthenticationOutcome.SecondStepNeeded, result.Outcome);
        Assert.NotNull(result.SecondStepToken);
        Assert.False(_rig.Reauthentication.IsRecent(_rig.Sessions.Get(session.Id)!));
        var context = await _rig.SecondStep.LoadAsync(result.SecondStepToken, Ct);
        Assert.Equal(PendingSignInPurpose.Reauthenticate, context?.Pending.Purpose);
        Assert.Equal(session.Id, context?.Pending.SessionId);
    }
}
