using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Messaging;

namespace Threshold.Core.Tests;

public class OutOfBandCodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Phone = "+442079460123";
    private const string Binding = "sign-in:one";

    private readonly TwoFactorRig _rig = new();
    private readonly Account _alice;

    public OutOfBandCodesTests() => _alice = _rig.AddAccount("alice", confirmedPhone: Phone);

    private async Task<string> SendAsync(string binding = Binding, MessageChannel channel = MessageChannel.Sms, Account? account = null)
    {
        account ??= _alice;
        var destination = channel == MessageChannel.Sms ? account.PhoneNumber! : account.Email!;
        var sent = await _rig.Codes.SendAsync(account, CodePurpose.SignIn, channel, destination, binding, TwoFactorRig.Client, ReferenceCode.New(), Ct);
        Assert.Equal(CodeSendOutcome.Sent, sent.Outcome);
        return _rig.LastCodeSentTo(destination);
    }

    private Task<CodeCheck> CheckAsync(string? typed, string binding = Binding, Guid? account = null) =>
        _rig.Codes.CheckAsync(account ?? _alice.Id, CodePurpose.SignIn, binding, typed, Ct);

    [Fact]
    public async Task A_code_is_six_digits_sent_to_the_destination_and_stored_only_hashed()
    {
        var code = await SendAsync();

        Assert.Matches("^[0-9]{6}$", code);
        var message = Assert.Single(_rig.Factors.Messages);
        Assert.Equal(MessageChannel.Sms, message.Channel);
        Assert.Equal(Phone, message.To);
        Assert.Contains(code, message.TextBody);
        var stored = Assert.Single(_rig.Factors.AllCodes);
        Assert.Equal(Binding, stored.Binding);
        Assert.Equal(TwoFactorRig.Now.AddMinutes(10), stored.ExpiresAt);
        Assert.NotEqual(code, stored.CodeHash);
        Assert.Equal(64, stored.CodeHash.Length);
        Assert.Equal(SecurityEventKind.CodeSent, Assert.Single(_rig.Factors.Events).Kind);
    }

    [Fact]
    public async Task Codes_are_always_six_digits_including_leading_zeros()
    {
        for (var i = 0; i < 50; i++)
            Assert.Matches("^[0-9]{6}$", await SendAsync("binding-" + i));
    }

    [Fact]
    public async Task Email_codes_go_to_the_address()
    {
        var code = await SendAsync(channel: MessageChannel.Email);
        var message = Assert.Single(_rig.Factors.Messages);
        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal("alice@example.com", message.To);
        Assert.True((await CheckAsync(code)).Accepted);
    }

    [Fact]
    public async Task The_right_code_is_accepted_once()
    {
        var code = await SendAsync();
        Assert.Equal(CodeCheckOutcome.Accepted, (await CheckAsync(code)).Outcome);
        Assert.Equal(CodeCheckOutcome.NoCode, (await CheckAsync(code)).Outcome);
        Assert.Equal(TwoFactorRig.Now, Assert.Single(_rig.Factors.AllCodes).UsedAt);
    }

    [Theory]
    [InlineData("{0} {1}")]
    [InlineData("{0}-{1}")]
    [InlineData(" {0}{1} ")]
    public async Task Spaces_and_dashes_are_fine(string layout)
    {
        var code = await SendAsync();
        Assert.True((await CheckAsync(string.Format(layout, code[..3], code[3..]))).Accepted);
    }

    [Fact]
    public async Task The_code_works_until_ten_minutes_and_not_at_ten()
    {
        var code = await SendAsync();
        _rig.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.True((await CheckAsync(code)).Accepted);

        var later = await SendAsync("other");
        _rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(CodeCheckOutcome.Expired, (await CheckAsync(later, "other")).Outcome);
    }

    [Fact]
    public async Task Five_wrong_tries_then_even_the_right_code_is_refused()
    {
        var code = await SendAsync();
        var wrong = TwoFactorRig.Other(code);
        for (var left = 4; left >= 1; left--)
        {
            var check = await CheckAsync(wrong);
            Assert.Equal(CodeCheckOutcome.Wrong, check.Outcome);
            Assert.Equal(left, check.AttemptsLeft);
        }
        Assert.Equal(CodeCheckOutcome.TooManyAttempts, (await CheckAsync(wrong)).Outcome);
        Assert.Equal(CodeCheckOutcome.TooManyAttempts, (await CheckAsync(code)).Outcome);
        Assert.Null(Assert.Single(_rig.Factors.AllCodes).UsedAt);
    }

    [Fact]
    public async Task Four_wrong_tries_leave_the_fifth_for_the_right_code()
    {
        var code = await SendAsync();
        for (var i = 0; i < 4; i++) await CheckAsync(TwoFactorRig.Other(code));
        Assert.True((await CheckAsync(code)).Accepted);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_malformed_code_is_not_counted_as_a_try(string? typed)
    {
        var code = await SendAsync();
        for (var i = 0; i < 10; i++) Assert.Equal(CodeCheckOutcome.Malformed, (await CheckAsync(typed)).Outcome);
        Assert.Equal(0, Assert.Single(_rig.Factors.AllCodes).FailedAttempts);
        Assert.True((await CheckAsync(code)).Accepted);
    }

    [Fact]
    public async Task A_new_code_only_after_a_minute()
    {
        await SendAsync();
        _rig.Clock.Advance(TimeSpan.FromSeconds(59));
        var tooSoon = await _rig.Codes.SendAsync(_alice, CodePurpose.SignIn, MessageChannel.Sms, Phone, Binding, TwoFactorRig.Client, ReferenceCode.New(), Ct);
        Assert.Equal(CodeSendOutcome.TooSoon, tooSoon.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), tooSoon.RetryAfter);
        Assert.Single(_rig.Factors.Messages);
        Assert.Single(_rig.Factors.AllCodes);

        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await SendAsync();
        Assert.Equal(2, _rig.Factors.Messages.Count);
    }

    [Fact]
    public async Task After_a_resend_only_the_newest_code_works()
    {
        var first = await SendAsync();
        _rig.Clock.Advance(TimeSpan.FromSeconds(60));
        var second = await SendAsync();
        if (first != second) Assert.Equal(CodeCheckOutcome.Wrong, (await CheckAsync(first)).Outcome);
        Assert.True((await CheckAsync(second)).Accepted);
    }

    [Fact]
    public async Task A_code_is_bound_to_the_sign_in_that_asked_for_it()
    {
        var code = await SendAsync("sign-in:a");
        Assert.False((await CheckAsync(code, "sign-in:b")).Accepted);
        Assert.True((await CheckAsync(code, "sign-in:a")).Accepted);
    }

    [Fact]
    public async Task A_code_from_another_binding_is_refused_even_when_that_one_has_a_code_too()
    {
        var a = await SendAsync("sign-in:a");
        var b = await SendAsync("sign-in:b");
        if (a == b) return; // a chance collision of six digits
        Assert.Equal(CodeCheckOutcome.Wrong, (await CheckAsync(a, "sign-in:b")).Outcome);
        Assert.True((await CheckAsync(b, "sign-in:b")).Accepted);
    }

    [Fact]
    public async Task A_code_for_another_account_is_refused()
    {
        var bob = _rig.AddAccount("bob", confirmedPhone: "+442079460456");
        var code = await SendAsync();
        Assert.Equal(CodeCheckOutcome.NoCode, (await CheckAsync(code, account: bob.Id)).Outcome);
        Assert.True((await CheckAsync(code)).Accepted);
    }

    [Fact]
    public async Task A_code_for_confirming_a_phone_does_not_sign_in()
    {
        await _rig.Codes.SendAsync(_alice, CodePurpose.ConfirmPhone, MessageChannel.Sms, Phone, Binding, TwoFactorRig.Client, ReferenceCode.New(), Ct);
        var code = _rig.LastCodeSentTo(Phone);
        Assert.Equal(CodeCheckOutcome.NoCode, (await CheckAsync(code)).Outcome);
    }
}
