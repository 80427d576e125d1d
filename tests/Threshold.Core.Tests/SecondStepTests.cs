using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

public class SecondStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    private readonly TwoFactorRig _rig = new();

    /// <summary>Alice with an authenticator app, at the second step of a sign-in.</summary>
    private async Task<(Account Account, string Key, string Token)> SignedInWithPasswordAsync()
    {
        var alice = _rig.AddAccount("alice");
        var key = await _rig.EnrolTotpAsync(alice, Ct);
        _rig.Clock.Advance(Step);
        var token = await _rig.SecondStep.BeginAsync(alice, await _rig.Methods.ForAccountAsync(alice, Ct), PendingSignInPurpose.SignIn,
            persistent: false, sessionId: null, TwoFactorRig.Client, Ct);
        return (alice, key, token);
    }

    private async Task<SecondStepContext> LoadAsync(string token) =>
        await _rig.SecondStep.LoadAsync(token, Ct) ?? throw new InvalidOperationException("no second step for the token");

    private string Code(string key) => Oathtool.Totp(key, _rig.Clock.GetUtcNow());

    private async Task<SecondStepResult> AnswerAsync(string token, string? typed, SecondFactorKind kind = SecondFactorKind.Totp) =>
        await _rig.SecondStep.VerifyAsync(await LoadAsync(token), kind, typed, TwoFactorRig.Client, Ct);

    [Fact]
    public async Task The_right_code_completes_the_sign_in_and_records_it()
    {
        var (alice, key, token) = await SignedInWithPasswordAsync();
        var result = await AnswerAsync(token, Code(key));

        Assert.Equal(SecondStepOutcome.Succeeded, result.Outcome);
        Assert.Equal(alice.Id, result.Completed?.AccountId);
        var succeeded = Assert.Single(_rig.Events.Events, e => e.Kind == SecurityEventKind.SignInSucceeded);
        Assert.Equal("password+totp", succeeded.Reason);
        Assert.Equal(result.ReferenceCode, succeeded.ReferenceCode);
        Assert.Empty(_rig.Pending.All);
    }

    [Fact]
    public async Task Wrong_answers_are_counted_apart_from_password_failures()
    {
        var (alice, key, token) = await SignedInWithPasswordAsync();
        var wrong = TwoFactorRig.Other(Code(key));

        var result = await AnswerAsync(token, wrong);

        Assert.Equal(SecondStepOutcome.Wrong, result.Outcome);
        var stored = _rig.Fresh(alice);
        Assert.Equal(1, stored.SecondFactorFailures);
        Assert.Equal(_rig.Clock.GetUtcNow(), stored.SecondFactorFailedAt);
        Assert.Equal(0, stored.AccessFailedCount);
        Assert.Single(_rig.Factors.SecondFactorFailures);
        Assert.Equal("totp", Assert.Single(_rig.Events.Events, e => e.Kind == SecurityEventKind.SecondFactorFailed).Reason);
        Assert.DoesNotContain(_rig.Events.Events, e => e.Kind is SecurityEventKind.SignInFailed or SecurityEventKind.SignInSucceeded);
        // The sign-in is still waiting for a right answer.
        Assert.NotNull(await _rig.SecondStep.LoadAsync(token, Ct));
    }

    [Fact]
    public async Task A_wrong_password_is_not_counted_as_a_second_factor_failure()
    {
        var alice = _rig.AddAccount("alice");
        await _rig.EnrolTotpAsync(alice, Ct);
        var result = await _rig.PasswordSignIn().SignInAsync(new PasswordSignInRequest("alice", "not the password", TwoFactorRig.Client), Ct);
        Assert.Equal(SignInOutcome.InvalidCredentials, result.Outcome);
        Assert.Equal(0, _rig.Fresh(alice).SecondFactorFailures);
        Assert.Empty(_rig.Factors.SecondFactorFailures);
    }

    [Fact]
    public async Task A_malformed_answer_is_not_counted()
    {
        var (alice, _, token) = await SignedInWithPasswordAsync();
        foreach (var typed in new[] { "12345", "abcdef", "", new string('1', 100) })
            Assert.Equal(SecondStepOutcome.Malformed, (await AnswerAsync(token, typed)).Outcome);
        Assert.Equal(0, _rig.Fresh(alice).SecondFactorFailures);
    }

    [Fact]
    public async Task Success_clears_the_count()
    {
        var (alice, key, token) = await SignedInWithPasswordAsync();
        for (var i = 0; i < 3; i++) await AnswerAsync(token, TwoFactorRig.Other(Code(key)));
        Assert.Equal(3, _rig.Fresh(alice).SecondFactorFailures);

        Assert.Equal(SecondStepOutcome.Succeeded, (await AnswerAsync(token, Code(key))).Outcome);

        Assert.Equal(0, _rig.Fresh(alice).SecondFactorFailures);
        Assert.Null(_rig.Fresh(alice).SecondFactorFailedAt);
        Assert.Equal([alice.Id], _rig.Factors.Clears);
    }

    [Fact]
    public async Task After_five_wrong_answers_even_the_right_one_waits_30_seconds()
    {
        var (alice, key, token) = await SignedInWithPasswordAsync();
        for (var i = 0; i < 4; i++) Assert.Null((await AnswerAsync(token, TwoFactorRig.Other(Code(key)))).RetryAfter);
        var fifth = await AnswerAsync(token, TwoFactorRig.Other(Code(key)));
        Assert.Equal(SecondStepOutcome.Wrong, fifth.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), fifth.RetryAfter);

        _rig.Clock.Advance(TimeSpan.FromSeconds(29));
        var early = await AnswerAsync(token, Code(key));
        Assert.Equal(SecondStepOutcome.TooSoon, early.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), early.RetryAfter);
        Assert.Equal(5, _rig.Fresh(alice).SecondFactorFailures); // waiting is not another failure

        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SecondStepOutcome.Succeeded, (await AnswerAsync(token, Code(key))).Outcome);
    }

    [Fact]
    public async Task The_sign_in_completes_exactly_once()
    {
        var (_, key, token) = await SignedInWithPasswordAsync();
        var context = await LoadAsync(token);
        Assert.Equal(SecondStepOutcome.Succeeded, (await _rig.SecondStep.VerifyAsync(context, SecondFactorKind.Totp, Code(key), TwoFactorRig.Client, Ct)).Outcome);

        // A replay of the same step (a double submit) with a code that is itself fine.
        _rig.Clock.Advance(Step);
        var again = await _rig.SecondStep.VerifyAsync(context, SecondFactorKind.Totp, Code(key), TwoFactorRig.Client, Ct);
        Assert.False(again.Succeeded);
        Assert.Null(again.Completed);
        Assert.Single(_rig.Events.Events, e => e.Kind == SecurityEventKind.SignInSucceeded);
        Assert.Null(await _rig.SecondStep.LoadAsync(token, Ct));
    }

    [Fact]
    public async Task The_sign_in_completes_once_with_backup_codes_too()
    {
        var (alice, _, token) = await SignedInWithPasswordAsync();
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        var context = await LoadAsync(token);

        Assert.True((await _rig.SecondStep.VerifyAsync(context, SecondFactorKind.BackupCode, codes[0], TwoFactorRig.Client, Ct)).Succeeded);
        Assert.False((await _rig.SecondStep.VerifyAsync(context, SecondFactorKind.BackupCode, codes[1], TwoFactorRig.Client, Ct)).Succeeded);
        Assert.Single(_rig.Events.Events, e => e.Kind == SecurityEventKind.SignInSucceeded);
    }

    [Fact]
    public async Task End_succeeds_once()
    {
        var (_, _, token) = await SignedInWithPasswordAsync();
        var context = await LoadAsync(token);
        Assert.True(await _rig.SecondStep.EndAsync(context.Pending, Ct));
        Assert.False(await _rig.SecondStep.EndAsync(context.Pending, Ct));
    }

    [Fact]
    public async Task A_pending_sign_in_is_loaded_until_ten_minutes_and_not_after()
    {
        var (_, _, token) = await SignedInWithPasswordAsync();
        _rig.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.NotNull(await _rig.SecondStep.LoadAsync(token, Ct));
        _rig.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await _rig.SecondStep.LoadAsync(token, Ct));
        Assert.Null(await _rig.SecondStep.FindAsync(token, Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    public async Task No_second_step_for_a_garbage_token(string? token)
    {
        await SignedInWithPasswordAsync();
        Assert.Null(await _rig.SecondStep.LoadAsync(token, Ct));
    }

    [Fact]
    public async Task Only_the_token_hash_is_stored()
    {
        var (alice, _, token) = await SignedInWithPasswordAsync();
        var pending = Assert.Single(_rig.Pending.All);
        Assert.NotEqual(token, pending.TokenHash);
        Assert.DoesNotContain(token, pending.TokenHash);
        Assert.Equal(alice.Id, pending.AccountId);
    }

    [Fact]
    public async Task A_method_that_is_not_enrolled_is_refused()
    {
        var (alice, _, token) = await SignedInWithPasswordAsync();
        Assert.Equal(SecondStepOutcome.NotEnrolled, (await AnswerAsync(token, "123456", SecondFactorKind.Sms)).Outcome);
        Assert.Equal(SecondStepOutcome.NotEnrolled, (await AnswerAsync(token, "abcd-efgh-ij", SecondFactorKind.BackupCode)).Outcome);
        Assert.Equal(0, _rig.Fresh(alice).SecondFactorFailures);
    }

    [Fact]
    public async Task An_email_code_is_sent_at_the_start_when_it_is_the_default_and_completes_the_sign_in()
    {
        var bob = _rig.AddAccount("bob", emailCodes: true);
        var token = await _rig.SecondStep.BeginAsync(bob, await _rig.Methods.ForAccountAsync(bob, Ct), PendingSignInPurpose.SignIn, false, null,
            TwoFactorRig.Client, Ct);
        var code = _rig.LastCodeSentTo("bob@example.com");

        Assert.Equal(SecondStepOutcome.Wrong, (await AnswerAsync(token, TwoFactorRig.Other(code), SecondFactorKind.Email)).Outcome);
        Assert.Equal(SecondStepOutcome.Succeeded, (await AnswerAsync(token, code, SecondFactorKind.Email)).Outcome);
    }

    [Fact]
    public async Task A_code_sent_for_one_sign_in_does_not_complete_another()
    {
        var bob = _rig.AddAccount("bob", emailCodes: true);
        var state = await _rig.Methods.ForAccountAsync(bob, Ct);
        var first = await _rig.SecondStep.BeginAsync(bob, state, PendingSignInPurpose.SignIn, false, null, TwoFactorRig.Client, Ct);
        var code = _rig.LastCodeSentTo("bob@example.com");
        var second = await _rig.SecondStep.BeginAsync(bob, state, PendingSignInPurpose.SignIn, false, null, TwoFactorRig.Client, Ct);
        var secondCode = _rig.LastCodeSentTo("bob@example.com");
        if (code == secondCode) return; // a chance collision of six digits

        Assert.False((await AnswerAsync(second, code, SecondFactorKind.Email)).Succeeded);
        Assert.True((await AnswerAsync(first, code, SecondFactorKind.Email)).Succeeded);
    }

    [Fact]
    public async Task A_code_sent_again_late_keeps_the_sign_in_open_for_its_whole_lifetime()
    {
        var bob = _rig.AddAccount("bob", emailCodes: true);
        var token = await _rig.SecondStep.BeginAsync(bob, await _rig.Methods.ForAccountAsync(bob, Ct), PendingSignInPurpose.SignIn, false, null,
            TwoFactorRig.Client, Ct);
        _rig.Clock.Advance(TimeSpan.FromMinutes(8));
        var context = (await _rig.SecondStep.LoadAsync(token, Ct))!;
        Assert.Equal(Threshold.Core.Factors.OutOfBandCode.CodeSendOutcome.Sent, (await _rig.SecondStep.SendCodeAsync(context, SecondFactorKind.Email, TwoFactorRig.Client, Ct)).Outcome);
        var code = _rig.LastCodeSentTo("bob@example.com");

        _rig.Clock.Advance(TimeSpan.FromMinutes(9)); // 17 minutes after the password, 9 after the new code
        Assert.Equal(SecondStepOutcome.Succeeded, (await AnswerAsync(token, code, SecondFactorKind.Email)).Outcome);
    }
}
