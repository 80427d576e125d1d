using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Errors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>When a completed sign-in is news to the owner: a device or a country the account never signed in from.</summary>
public class SignInRecorderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    private readonly TwoFactorRig _rig = new();

    private static ClientInfo Client(string? device, string? country, string? city = null) =>
        new("203.0.113.9", Chrome) { DeviceHash = device, Place = country is null ? null : new GeoPlace(country, city) };

    private async Task<SignInNovelty> SignInAsync(Account account, string? device, string? country, string? city = null)
    {
        var client = Client(device, country, city);
        _rig.Clock.Advance(TimeSpan.FromMinutes(5));
        return await _rig.SignIns.RecordAsync(account, SecurityEvent.Of(SecurityEventKind.SignInSucceeded, _rig.Clock.GetUtcNow(), client,
            ReferenceCode.New(), account.Id, account.UserName, "password"), client, Ct);
    }

    private List<OutboxMessage> Notices => _rig.Accounts.Messages.Where(m => m.Template == "new-sign-in").ToList();
    private List<SecurityEvent> SignIns => _rig.Events.Events.Where(e => e.Kind == SecurityEventKind.SignInSucceeded).ToList();

    [Fact]
    public async Task The_first_sign_in_ever_tells_nobody()
    {
        var alice = _rig.AddAccount("alice");
        var novelty = await SignInAsync(alice, "device-1", "PT");
        Assert.False(novelty.Any);
        Assert.Empty(_rig.Accounts.Messages);
        Assert.Single(SignIns);
    }

    [Fact]
    public async Task The_same_device_in_the_same_country_tells_nobody()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");
        var novelty = await SignInAsync(alice, "device-1", "PT");
        Assert.False(novelty.Any);
        Assert.Empty(_rig.Accounts.Messages);
        Assert.Equal(2, SignIns.Count);
    }

    [Fact]
    public async Task A_new_device_is_told_to_the_verified_email_with_the_event_reference()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");

        var novelty = await SignInAsync(alice, "device-2", "PT", "Lisbon");

        Assert.Equal(new SignInNovelty(NewDevice: true, NewCountry: false), novelty);
        var notice = Assert.Single(Notices);
        Assert.Equal(MessageChannel.Email, notice.Channel);
        Assert.Equal("alice@example.com", notice.To);
        Assert.Equal(SignIns[^1].ReferenceCode, notice.ReferenceCode);
        Assert.Contains("a device that has not signed in to it before", notice.TextBody);
        Assert.Contains("Where: Lisbon, Portugal (IP address 203.0.113.9)", notice.TextBody);
        Assert.Contains("Device: Chrome on Windows", notice.TextBody);
        Assert.Equal(2, SignIns.Count);
    }

    [Fact]
    public async Task A_sign_in_without_a_device_cookie_counts_as_an_unrecognised_device()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");
        Assert.True((await SignInAsync(alice, null, "PT")).NewDevice);
        Assert.Single(Notices);
        // Even twice: without a device id there is nothing to recognise.
        Assert.True((await SignInAsync(alice, null, "PT")).NewDevice);
    }

    [Fact]
    public async Task A_new_country_from_a_known_device_is_told_as_a_new_country()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");

        var novelty = await SignInAsync(alice, "device-1", "DE", "Berlin");

        Assert.Equal(new SignInNovelty(NewDevice: false, NewCountry: true), novelty);
        var notice = Assert.Single(Notices);
        Assert.Contains("a country it has not been signed in from before", notice.TextBody);
        Assert.Contains("Berlin, Germany", notice.TextBody);
        // Back home is not news.
        Assert.False((await SignInAsync(alice, "device-1", "PT")).Any);
    }

    [Fact]
    public async Task A_new_device_in_a_new_country_says_both()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");
        Assert.Equal(new SignInNovelty(true, true), await SignInAsync(alice, "device-2", "DE"));
        Assert.Contains("a new device, in a country it has not been signed in from before", Assert.Single(Notices).TextBody);
    }

    [Fact]
    public async Task A_local_network_is_not_a_country_and_an_unknown_place_is_never_new()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", GeoPlace.LocalNetwork.CountryCode);
        // No country known before: the first real one is not "new" (a location database added later must not alarm everyone).
        Assert.False((await SignInAsync(alice, "device-1", "PT")).Any);
        Assert.False((await SignInAsync(alice, "device-1", GeoPlace.LocalNetwork.CountryCode)).Any);
        Assert.False((await SignInAsync(alice, "device-1", null)).Any);
        Assert.Empty(Notices);
    }

    [Fact]
    public async Task Sign_ins_recorded_without_device_or_place_still_count_as_signed_in_before()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, null, null);
        Assert.Empty(Notices);
        Assert.True((await SignInAsync(alice, "device-1", null)).NewDevice);
        Assert.Single(Notices);
    }

    [Fact]
    public async Task The_verified_recovery_email_is_told_too_and_unverified_addresses_are_not()
    {
        var alice = _rig.AddAccount("alice");
        var stored = _rig.Accounts.Get(alice.Id)!;
        stored.RecoveryEmail = "alice.backup@example.org";
        stored.RecoveryEmailVerifiedAt = TwoFactorRig.Now;
        await SignInAsync(_rig.Fresh(alice), "device-1", "PT");

        await SignInAsync(_rig.Fresh(alice), "device-2", "PT");
        Assert.Equal(["alice.backup@example.org", "alice@example.com"], Notices.Select(m => m.To).Order());

        // A primary address not verified yet, and a recovery address not verified yet, are not told.
        stored.EmailConfirmed = false;
        stored.RecoveryEmailVerifiedAt = null;
        _rig.Accounts.Messages.Clear();
        Assert.True((await SignInAsync(_rig.Fresh(alice), "device-3", "PT")).NewDevice);
        Assert.Empty(_rig.Accounts.Messages);
    }

    [Fact]
    public async Task A_text_goes_to_the_confirmed_phone_only_when_the_owner_chose_alerts_by_text()
    {
        var alice = _rig.AddAccount("alice", confirmedPhone: "+447700900123");
        await SignInAsync(alice, "device-1", "PT");
        await SignInAsync(_rig.Fresh(alice), "device-2", "PT");
        Assert.DoesNotContain(_rig.Accounts.Messages, m => m.Channel == MessageChannel.Sms);

        _rig.Accounts.Get(alice.Id)!.SecurityAlertsBySms = true;
        await SignInAsync(_rig.Fresh(alice), "device-3", "PT", "Lisbon");
        var text = Assert.Single(_rig.Accounts.Messages, m => m.Channel == MessageChannel.Sms);
        Assert.Equal("+447700900123", text.To);
        Assert.Contains("Lisbon, Portugal", text.TextBody);
        Assert.DoesNotContain("http", text.TextBody);
    }

    [Fact]
    public async Task Only_an_accounts_own_successful_sign_in_is_recorded_here()
    {
        var alice = _rig.AddAccount("alice");
        var bob = _rig.AddAccount("bob");
        var client = Client("device-1", "PT");
        var failed = SecurityEvent.Of(SecurityEventKind.SignInFailed, _rig.Clock.GetUtcNow(), client, ReferenceCode.New(), alice.Id);
        var bobs = SecurityEvent.Of(SecurityEventKind.SignInSucceeded, _rig.Clock.GetUtcNow(), client, ReferenceCode.New(), bob.Id);
        await Assert.ThrowsAsync<ArgumentException>(() => _rig.SignIns.RecordAsync(alice, failed, client, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _rig.SignIns.RecordAsync(alice, bobs, client, Ct));
    }

    [Fact]
    public async Task Password_sign_in_records_through_the_recorder()
    {
        _rig.AddAccount("alice");
        var signIn = _rig.PasswordSignIn();
        Assert.True((await signIn.SignInAsync(new PasswordSignInRequest("alice", TwoFactorRig.Password, Client("device-1", "PT")), Ct)).Succeeded);
        Assert.Empty(Notices);
        Assert.True((await signIn.SignInAsync(new PasswordSignInRequest("alice", TwoFactorRig.Password, Client("device-2", "PT")), Ct)).Succeeded);
        Assert.Equal(SignIns[^1].ReferenceCode, Assert.Single(Notices).ReferenceCode);
    }

    [Fact]
    public async Task The_second_step_records_a_sign_in_through_the_recorder_but_re_authentication_tells_nobody()
    {
        var alice = _rig.AddAccount("alice");
        await SignInAsync(alice, "device-1", "PT");
        var secret = await _rig.EnrolTotpAsync(alice, Ct);
        var state = await _rig.Methods.ForAccountAsync(_rig.Fresh(alice), Ct);

        foreach (var purpose in new[] { PendingSignInPurpose.Reauthenticate, PendingSignInPurpose.SignIn })
        {
            _rig.Clock.Advance(TimeSpan.FromMinutes(1));
            var token = await _rig.SecondStep.BeginAsync(_rig.Fresh(alice), state, purpose, persistent: false, sessionId: null, Client("device-2", "PT"), Ct);
            var context = (await _rig.SecondStep.LoadAsync(token, Ct))!;
            var code = Oathtool.Totp(secret, _rig.Clock.GetUtcNow());
            Assert.True((await _rig.SecondStep.VerifyAsync(context, Factors.SecondFactorKind.Totp, code, Client("device-2", "PT"), Ct)).Succeeded);
            _rig.Clock.Advance(TimeSpan.FromSeconds(30)); // the next code is a new time step
        }

        Assert.Single(_rig.Events.Events, e => e.Kind == SecurityEventKind.Reauthenticated);
        var notice = Assert.Single(Notices);
        Assert.Equal(SignIns[^1].ReferenceCode, notice.ReferenceCode);
    }
}
