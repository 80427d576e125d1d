using Threshold.Core.Activity;
using Threshold.Core.Flows.SignIn;

namespace Threshold.Core.Tests;

/// <summary>After "This wasn't me" the old password no longer signs in, and only someone who knows it learns why.</summary>
public class PasswordResetRequiredSignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TwoFactorRig _rig = new();

    private Task<PasswordSignInResult> SignInAsync(string password) =>
        _rig.PasswordSignIn().SignInAsync(new PasswordSignInRequest("alice", password, TwoFactorRig.Client), Ct);

    [Fact]
    public async Task The_right_password_gets_a_distinct_outcome_and_no_sign_in()
    {
        var alice = _rig.AddAccount("alice");
        _rig.Accounts.Get(alice.Id)!.PasswordResetRequired = true;

        var result = await SignInAsync(TwoFactorRig.Password);

        Assert.Equal(SignInOutcome.PasswordResetRequired, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Null(result.Account);
        var recorded = Assert.Single(_rig.Events.Events);
        Assert.Equal(SecurityEventKind.SignInFailed, recorded.Kind);
        Assert.Equal("password_reset_required", recorded.Reason);
        Assert.Equal(result.ReferenceCode, recorded.ReferenceCode);
    }

    [Fact]
    public async Task A_wrong_password_says_only_that_it_is_wrong()
    {
        var alice = _rig.AddAccount("alice");
        _rig.Accounts.Get(alice.Id)!.PasswordResetRequired = true;
        Assert.Equal(SignInOutcome.InvalidCredentials, (await SignInAsync("not the password at all")).Outcome);
    }

    [Fact]
    public async Task A_caps_lock_variant_of_the_right_password_is_refused_the_same_way()
    {
        var alice = _rig.AddAccount("alice");
        _rig.Accounts.Get(alice.Id)!.PasswordResetRequired = true;
        _rig.PasswordSettings.AcceptTypoVariants = true;
        var inverted = string.Concat(TwoFactorRig.Password.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
        Assert.Equal(SignInOutcome.PasswordResetRequired, (await SignInAsync(inverted)).Outcome);
    }

    [Fact]
    public async Task Without_the_flag_the_same_password_signs_in()
    {
        _rig.AddAccount("alice");
        Assert.True((await SignInAsync(TwoFactorRig.Password)).Succeeded);
    }
}
