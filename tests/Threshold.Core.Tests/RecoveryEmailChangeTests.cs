using System.Text.RegularExpressions;
using Threshold.Core.Accounts;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Core.Tests;

/// <summary>
/// The recovery email's rules on a fake clock: it counts only once the code sent to it comes back
/// in the same session, for the same address, within ten minutes and five tries; until then the
/// old one stays; it must differ from the sign-in address; changes are told to old and new.
/// </summary>
public class RecoveryEmailChangeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Session = "session:one";
    private const string Backup = "alice.backup@example.net";

    private readonly TwoFactorRig _rig = new();
    private readonly RecoveryEmailChange _flow;
    private readonly Account _alice;

    public RecoveryEmailChangeTests()
    {
        _flow = new RecoveryEmailChange(_rig.Accounts, _rig.Codes, _rig.Changes, new OutboxSignal(), _rig.Clock);
        _alice = _rig.AddAccount("alice");
    }

    private Account Alice => _rig.Fresh(_alice);

    private string CodeSentTo(string address) =>
        Regex.Match(_rig.Factors.Messages.Last(m => m.To == address && m.Template == "confirm-recovery-email").TextBody, @"\b\d{6}\b").Value;

    private async Task<string> SendAsync(string address, string session = Session)
    {
        var sent = await _flow.SendCodeAsync(Alice, address, session, TwoFactorRig.Client, Ct);
        Assert.Equal(RecoveryChangeOutcome.CodeSent, sent.Outcome);
        return CodeSentTo(address);
    }

    private async Task AddAsync(string address)
    {
        var code = await SendAsync(address);
        Assert.Equal(RecoveryChangeOutcome.Saved, (await _flow.ConfirmAsync(Alice, address, code, Session, TwoFactorRig.Client, Ct)).Outcome);
        _rig.Clock.Advance(TimeSpan.FromMinutes(2));
    }

    private IReadOnlyList<string> NoticesTo(string address) =>
        _rig.Accounts.Messages.Where(m => m.To == address && m.Template == "security-changed").Select(m => m.TextBody).ToList();

    [Fact]
    public async Task An_address_counts_only_once_its_code_comes_back()
    {
        var code = await SendAsync(Backup);

        var message = _rig.Factors.Messages.Single(m => m.Template == "confirm-recovery-email");
        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal(Backup, message.To);
        Assert.DoesNotContain("alice", message.TextBody); // a stranger's mistyped address learns no username
        Assert.DoesNotContain("http", message.TextBody);
        Assert.Null(Alice.RecoveryEmail);
        Assert.Empty(_rig.Accounts.Messages);

        var confirmed = await _flow.ConfirmAsync(Alice, Backup, code, Session, TwoFactorRig.Client, Ct);

        Assert.Equal(RecoveryChangeOutcome.Saved, confirmed.Outcome);
        Assert.Equal(Backup, Alice.RecoveryEmail);
        Assert.Equal(TwoFactorRig.Now, Alice.RecoveryEmailVerifiedAt);
        Assert.Equal(Identifiers.Normalize(Backup), Alice.NormalizedRecoveryEmail);
        Assert.Contains("recovery email address was added", Assert.Single(NoticesTo(Backup)));
        Assert.Single(NoticesTo("alice@example.com"));
        var logged = Assert.Single(_rig.Accounts.Events);
        Assert.Equal(SecurityEventKind.RecoveryInfoChanged, logged.Kind);
        Assert.Equal("recovery-email-added", logged.Reason);
        Assert.Equal(confirmed.ReferenceCode, logged.ReferenceCode);
    }

    [Fact]
    public async Task A_change_keeps_the_old_address_until_the_new_one_is_proven_and_tells_both()
    {
        await AddAsync(Backup);
        const string next = "alice.other@example.org";
        var code = await SendAsync(next);
        Assert.Equal(Backup, Alice.RecoveryEmail);

        var wrong = await _flow.ConfirmAsync(Alice, next, TwoFactorRig.Other(code), Session, TwoFactorRig.Client, Ct);
        Assert.Equal(RecoveryChangeOutcome.WrongCode, wrong.Outcome);
        Assert.Equal(4, wrong.AttemptsLeft);
        Assert.Equal(Backup, Alice.RecoveryEmail);

        Assert.Equal(RecoveryChangeOutcome.Saved, (await _flow.ConfirmAsync(Alice, next, code, Session, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Equal(next, Alice.RecoveryEmail);
        Assert.Contains("recovery email address was changed", NoticesTo(Backup).Last()); // the old address
        Assert.Contains("recovery email address was changed", Assert.Single(NoticesTo(next)));
        Assert.Equal(2, NoticesTo("alice@example.com").Count);
        Assert.Equal("recovery-email-changed", _rig.Accounts.Events.Last().Reason);
    }

    [Fact]
    public async Task A_code_works_only_for_the_address_and_the_session_it_was_sent_for()
    {
        var code = await SendAsync(Backup);

        var otherAddress = await _flow.ConfirmAsync(Alice, "someone.else@example.net", code, Session, TwoFactorRig.Client, Ct);
        var otherSession = await _flow.ConfirmAsync(Alice, Backup, code, "session:two", TwoFactorRig.Client, Ct);

        Assert.Equal(RecoveryChangeOutcome.CodeExpired, otherAddress.Outcome);
        Assert.Equal(RecoveryChangeOutcome.CodeExpired, otherSession.Outcome);
        Assert.Null(Alice.RecoveryEmail);
        // Typed in another case it is the same address.
        Assert.Equal(RecoveryChangeOutcome.Saved, (await _flow.ConfirmAsync(Alice, Backup.ToUpperInvariant(), code, Session, TwoFactorRig.Client, Ct)).Outcome);
    }

    [Fact]
    public async Task A_code_expires_after_ten_minutes_and_a_new_one_waits_a_minute()
    {
        var first = await SendAsync(Backup);
        var again = await _flow.SendCodeAsync(Alice, Backup, Session, TwoFactorRig.Client, Ct);
        Assert.Equal(RecoveryChangeOutcome.TooSoon, again.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), again.RetryAfter);
        Assert.Single(_rig.Factors.Messages, m => m.Template == "confirm-recovery-email");

        _rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(RecoveryChangeOutcome.CodeExpired, (await _flow.ConfirmAsync(Alice, Backup, first, Session, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Null(Alice.RecoveryEmail);

        var second = await SendAsync(Backup);
        _rig.Clock.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        Assert.Equal(RecoveryChangeOutcome.Saved, (await _flow.ConfirmAsync(Alice, Backup, second, Session, TwoFactorRig.Client, Ct)).Outcome);
    }

    [Fact]
    public async Task Five_wrong_codes_use_the_code_up()
    {
        var code = await SendAsync(Backup);
        for (var i = 0; i < 4; i++)
            Assert.Equal(RecoveryChangeOutcome.WrongCode, (await _flow.ConfirmAsync(Alice, Backup, TwoFactorRig.Other(code), Session, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Equal(RecoveryChangeOutcome.CodeExpired, (await _flow.ConfirmAsync(Alice, Backup, TwoFactorRig.Other(code), Session, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Equal(RecoveryChangeOutcome.CodeExpired, (await _flow.ConfirmAsync(Alice, Backup, code, Session, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Null(Alice.RecoveryEmail);
    }

    [Theory]
    [InlineData(null, "recovery_email.missing")]
    [InlineData("   ", "recovery_email.missing")]
    [InlineData("not an address", "email.invalid")]
    [InlineData("alice@", "email.invalid")]
    [InlineData("a..b@example.com", "email.invalid")]
    [InlineData("alice@example.com", "recovery_email.same_as_sign_in")]
    [InlineData(" ALICE@Example.com ", "recovery_email.same_as_sign_in")]
    public async Task An_address_that_cannot_serve_is_refused_and_nothing_is_sent(string? typed, string problem)
    {
        var result = await _flow.SendCodeAsync(Alice, typed, Session, TwoFactorRig.Client, Ct);

        Assert.Equal(RecoveryChangeOutcome.Invalid, result.Outcome);
        var field = Assert.Single(result.Problems);
        Assert.Equal((RecoveryEmailChange.Field, problem), (field.Field, field.Code));
        Assert.Empty(_rig.Factors.Messages);
        Assert.Equal(RecoveryChangeOutcome.Invalid, (await _flow.ConfirmAsync(Alice, typed, "123456", Session, TwoFactorRig.Client, Ct)).Outcome);
    }

    [Fact]
    public async Task The_current_recovery_email_is_not_sent_a_code_again()
    {
        await AddAsync(Backup);
        var result = await _flow.SendCodeAsync(Alice, Backup.ToUpperInvariant(), Session, TwoFactorRig.Client, Ct);
        Assert.Equal("recovery_email.unchanged", Assert.Single(result.Problems).Code);
        Assert.Single(_rig.Factors.Messages, m => m.Template == "confirm-recovery-email");
    }

    [Fact]
    public async Task Removing_tells_the_removed_address_and_the_sign_in_address()
    {
        Assert.Equal(RecoveryChangeOutcome.NothingToRemove, (await _flow.RemoveAsync(Alice, TwoFactorRig.Client, Ct)).Outcome);
        Assert.Empty(_rig.Accounts.Events);
        await AddAsync(Backup);

        var removed = await _flow.RemoveAsync(Alice, TwoFactorRig.Client, Ct);

        Assert.Equal(RecoveryChangeOutcome.Saved, removed.Outcome);
        Assert.Null(Alice.RecoveryEmail);
        Assert.Null(Alice.RecoveryEmailVerifiedAt);
        Assert.Null(Alice.NormalizedRecoveryEmail);
        Assert.Contains("recovery email address was removed", NoticesTo(Backup).Last());
        Assert.Contains("recovery email address was removed", NoticesTo("alice@example.com").Last());
        Assert.Equal("recovery-email-removed", _rig.Accounts.Events.Last().Reason);
    }

    [Fact]
    public async Task A_verified_recovery_email_is_told_of_other_security_changes_too()
    {
        await AddAsync(Backup);
        var change = _rig.Changes.Describe(Alice, "totp-added", SecurityEventKind.FactorEnrolled, TwoFactorRig.Client, "ABCD-EFGH");
        Assert.Contains(change.Messages, m => m.To == Backup);
        Assert.Contains(change.Messages, m => m.To == "alice@example.com");
    }
}
