using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

public class AuthenticatorAppTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    private readonly TwoFactorRig _rig = new();

    private string CodeNow(string key, int steps = 0) => Oathtool.Totp(key, _rig.Clock.GetUtcNow() + steps * Step);

    [Fact]
    public async Task An_unconfirmed_key_is_not_active()
    {
        var alice = _rig.AddAccount("alice");
        var setup = await _rig.Authenticator.BeginAsync(alice, Ct);

        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, CodeNow(setup.Base32Secret), Ct));
        Assert.Null(await _rig.Factors.ConfirmedTotpAsync(alice.Id, Ct));
        Assert.False((await _rig.Methods.ForAccountAsync(alice, Ct)).IsOn);
        Assert.Empty(_rig.Factors.Events);
        Assert.Empty(_rig.Factors.Messages);
    }

    [Fact]
    public async Task Setting_up_shows_the_same_key_until_it_is_confirmed()
    {
        var alice = _rig.AddAccount("alice");
        var first = await _rig.Authenticator.BeginAsync(alice, Ct);
        var again = await _rig.Authenticator.BeginAsync(alice, Ct);
        Assert.Equal(first.Base32Secret, again.Base32Secret);
        Assert.Single(_rig.Factors.AllTotp);
        Assert.Contains("secret=" + first.Base32Secret, first.Uri);
        Assert.Contains("issuer=Threshold", first.Uri);
        Assert.Contains("alice", first.Uri);
    }

    [Fact]
    public async Task Confirming_with_a_current_code_makes_the_key_active_and_tells_and_records_it()
    {
        var alice = _rig.AddAccount("alice");
        var setup = await _rig.Authenticator.BeginAsync(alice, Ct);

        var result = await _rig.Authenticator.ConfirmAsync(alice, CodeNow(setup.Base32Secret), TwoFactorRig.Client, Ct);

        Assert.Equal(TotpConfirmOutcome.Confirmed, result.Outcome);
        Assert.True(result.WasFirstFactor);
        var stored = await _rig.Factors.ConfirmedTotpAsync(alice.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(TwoFactorRig.Now, stored.ConfirmedAt);
        Assert.True((await _rig.Methods.ForAccountAsync(alice, Ct)).Has(SecondFactorKind.Totp));
        var recorded = Assert.Single(_rig.Factors.Events);
        Assert.Equal(SecurityEventKind.FactorEnrolled, recorded.Kind);
        Assert.Equal(result.ReferenceCode, recorded.ReferenceCode);
        var told = Assert.Single(_rig.Factors.Messages);
        Assert.Equal("alice@example.com", told.To);
        Assert.Equal("security-changed", told.Template);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(-20)]
    public async Task Confirming_needs_a_current_code(int steps)
    {
        var alice = _rig.AddAccount("alice");
        var setup = await _rig.Authenticator.BeginAsync(alice, Ct);
        var stale = CodeNow(setup.Base32Secret, steps);
        if (new[] { -1, 0, 1 }.Any(s => CodeNow(setup.Base32Secret, s) == stale)) return; // a chance collision of six digits

        var result = await _rig.Authenticator.ConfirmAsync(alice, stale, TwoFactorRig.Client, Ct);

        Assert.Equal(TotpConfirmOutcome.Wrong, result.Outcome);
        Assert.Null(await _rig.Factors.ConfirmedTotpAsync(alice.Id, Ct));
        Assert.Empty(_rig.Factors.Events);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData(null)]
    public async Task Confirming_with_something_that_is_not_a_code_is_malformed(string? typed)
    {
        var alice = _rig.AddAccount("alice");
        await _rig.Authenticator.BeginAsync(alice, Ct);
        Assert.Equal(TotpConfirmOutcome.Malformed, (await _rig.Authenticator.ConfirmAsync(alice, typed, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Null(await _rig.Factors.ConfirmedTotpAsync(alice.Id, Ct));
    }

    [Fact]
    public async Task Confirming_without_a_key_being_set_up_does_nothing()
    {
        var alice = _rig.AddAccount("alice");
        Assert.Equal(TotpConfirmOutcome.NothingPending, (await _rig.Authenticator.ConfirmAsync(alice, "123456", TwoFactorRig.Client, Ct)).Outcome);
        Assert.Empty(_rig.Factors.Events);
    }

    [Fact]
    public async Task A_current_code_works_after_confirmation()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(Step);
        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, CodeNow(key), Ct));
    }

    [Fact]
    public async Task The_code_used_to_confirm_cannot_sign_in()
    {
        var alice = _rig.AddAccount("alice");
        var setup = await _rig.Authenticator.BeginAsync(alice, Ct);
        var code = CodeNow(setup.Base32Secret);
        await _rig.Authenticator.ConfirmAsync(alice, code, TwoFactorRig.Client, Ct);

        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, code, Ct));
    }

    [Fact]
    public async Task The_same_code_works_once()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(Step);
        var code = CodeNow(key);

        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, code, Ct));
        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, code, Ct));
        _rig.Clock.Advance(TimeSpan.FromSeconds(20)); // still within the window
        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, code, Ct));
    }

    [Fact]
    public async Task An_older_step_is_refused_after_a_newer_one_was_used()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(3 * Step);
        var older = CodeNow(key, -1);
        var newer = CodeNow(key);
        if (older == newer) return; // a chance collision of six digits

        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, newer, Ct));
        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, older, Ct));
    }

    [Fact]
    public async Task A_step_from_the_future_window_blocks_the_current_one()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(3 * Step);
        var current = CodeNow(key);
        var next = CodeNow(key, 1);
        if (current == next) return;

        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, next, Ct));
        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, current, Ct));
    }

    [Fact]
    public async Task A_code_for_another_accounts_key_is_refused()
    {
        var alice = _rig.AddAccount("alice");
        var bob = _rig.AddAccount("bob");
        var aliceKey = await _rig.EnrolTotpAsync(alice, Ct);
        var bobKey = await _rig.EnrolTotpAsync(bob, Ct);
        _rig.Clock.Advance(Step);
        var aliceCode = CodeNow(aliceKey);
        if (new[] { -1, 0, 1 }.Any(s => CodeNow(bobKey, s) == aliceCode)) return; // a chance collision of six digits

        Assert.False(await _rig.Authenticator.VerifyAsync(bob.Id, aliceCode, Ct));
        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, aliceCode, Ct));
    }

    [Fact]
    public async Task The_stored_secret_is_the_protected_key_not_the_key()
    {
        var alice = _rig.AddAccount("alice");
        var setup = await _rig.Authenticator.BeginAsync(alice, Ct);

        var stored = Assert.Single(_rig.Factors.AllTotp);
        Assert.True(_rig.Protector.Protections > 0);
        Assert.NotEqual(setup.Base32Secret, stored.ProtectedSecret);
        Assert.DoesNotContain(setup.Base32Secret, stored.ProtectedSecret, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(TotpCodes.FromBase32(setup.Base32Secret)), stored.ProtectedSecret);
        Assert.Equal(setup.Base32Secret, _rig.Protector.Unprotect(stored.ProtectedSecret));
    }

    [Fact]
    public async Task A_secret_that_no_longer_unprotects_verifies_nothing()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        // The same store read through a protector whose key is gone.
        var lost = new AuthenticatorApp(_rig.Factors, new LostKeyProtector(), _rig.Changes, _rig.Methods,
            Microsoft.Extensions.Options.Options.Create(new ThresholdOptions()), _rig.Clock);
        _rig.Clock.Advance(Step);
        Assert.False(await lost.VerifyAsync(alice.Id, CodeNow(key), Ct));
    }

    [Fact]
    public async Task Confirming_a_new_key_replaces_the_old_one()
    {
        var alice = _rig.AddAccount("alice");
        var oldKey = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(Step);
        var newSetup = await _rig.Authenticator.BeginAsync(alice, Ct);
        Assert.NotEqual(oldKey, newSetup.Base32Secret);

        // Until the new key is confirmed, the old one still works.
        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, CodeNow(oldKey), Ct));
        _rig.Clock.Advance(Step);
        var confirmed = await _rig.Authenticator.ConfirmAsync(alice, CodeNow(newSetup.Base32Secret), TwoFactorRig.Client, Ct);
        Assert.Equal(TotpConfirmOutcome.Confirmed, confirmed.Outcome);
        Assert.False(confirmed.WasFirstFactor);

        _rig.Clock.Advance(Step);
        var oldCode = CodeNow(oldKey);
        var newCode = CodeNow(newSetup.Base32Secret);
        Assert.Single(_rig.Factors.AllTotp);
        if (oldCode != newCode) Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, oldCode, Ct));
        Assert.True(await _rig.Authenticator.VerifyAsync(alice.Id, newCode, Ct));
    }

    [Fact]
    public async Task A_removed_authenticator_verifies_nothing()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        Assert.True(await _rig.Authenticator.RemoveAsync(alice, TwoFactorRig.Client, Ct));
        _rig.Clock.Advance(Step);
        Assert.False(await _rig.Authenticator.VerifyAsync(alice.Id, CodeNow(key), Ct));
        Assert.Equal(SecurityEventKind.FactorRemoved, _rig.Factors.Events[^1].Kind);
    }

    private sealed class LostKeyProtector : ISecretProtector
    {
        public string Protect(string secret) => throw new NotSupportedException();
        public string? Unprotect(string protectedSecret) => null;
    }
}
