using Threshold.Core.Accounts;
using Threshold.Core.Accounts.RecoveryInfo;
using Threshold.Core.Activity;

namespace Threshold.Core.Tests;

/// <summary>
/// The phone as recovery info: proven by a texted code, stored as E.164, apart from sign-in
/// codes by text message (confirming does not turn them on; removing turns them and the
/// text-message alerts off); old and new numbers are told.
/// </summary>
public class RecoveryPhoneChangeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Session = "session:one";
    private const string Number = "+442079460123";
    private const string Other = "+14155552671";

    private readonly TwoFactorRig _rig = new();
    private readonly RecoveryPhoneChange _flow;
    private readonly SecurityAlertsBySms _alerts;

    public RecoveryPhoneChangeTests()
    {
        _flow = new RecoveryPhoneChange(_rig.Factors, _rig.Codes, _rig.Changes, new Messaging.OutboxSignal(), _rig.Clock);
        _alerts = new SecurityAlertsBySms(_rig.Accounts, _rig.Clock);
    }

    private async Task<RecoveryChangeResult> ProveAsync(Account account, string typed, string e164)
    {
        Assert.Equal(RecoveryChangeOutcome.CodeSent, (await _flow.SendCodeAsync(_rig.Fresh(account), typed, Session, TwoFactorRig.Client, Ct)).Outcome);
        return await _flow.ConfirmAsync(_rig.Fresh(account), typed, _rig.LastCodeSentTo(e164), Session, TwoFactorRig.Client, Ct);
    }

    private IReadOnlyList<string> NoticesTo(string to) =>
        _rig.Factors.Messages.Where(m => m.To == to && m.Template == "security-changed").Select(m => m.TextBody).ToList();

    [Fact]
    public async Task A_proven_number_is_stored_as_E164_without_turning_on_sign_in_codes()
    {
        var bob = _rig.AddAccount("bob");

        var saved = await ProveAsync(bob, "+44 (20) 7946-0123", Number);

        Assert.Equal(RecoveryChangeOutcome.Saved, saved.Outcome);
        var now = _rig.Fresh(bob);
        Assert.Equal(Number, now.PhoneNumber);
        Assert.True(now.PhoneNumberConfirmed);
        Assert.False(now.SmsCodesEnabled);
        Assert.Contains("phone number was added", Assert.Single(NoticesTo(Number)));
        Assert.Single(NoticesTo("bob@example.com"));
        var logged = _rig.Factors.Events.Last();
        Assert.Equal((SecurityEventKind.RecoveryInfoChanged, "recovery-phone-added"), (logged.Kind, logged.Reason));
    }

    [Fact]
    public async Task A_new_number_takes_over_text_message_codes_and_both_numbers_are_told()
    {
        var carol = _rig.AddAccount("carol", confirmedPhone: Number);

        Assert.Equal(RecoveryChangeOutcome.Saved, (await ProveAsync(carol, "+1 415 555 2671", Other)).Outcome);

        var now = _rig.Fresh(carol);
        Assert.Equal(Other, now.PhoneNumber);
        Assert.True(now.SmsCodesEnabled);
        Assert.Contains("phone number on your account was changed", Assert.Single(NoticesTo(Number)));
        Assert.Contains("phone number on your account was changed", Assert.Single(NoticesTo(Other)));
        Assert.Equal("recovery-phone-changed", _rig.Factors.Events.Last().Reason);
    }

    [Theory]
    [InlineData("020 7946 0123", "phone.invalid")]   // no country code
    [InlineData("+44 20 7946", "phone.invalid")]     // too short for a London number
    [InlineData("+44 7700 900123", "phone.invalid")] // not in the numbering plan
    [InlineData("call me maybe", "phone.invalid")]
    [InlineData("", "phone.missing")]
    public async Task A_number_that_cannot_exist_is_refused_and_nothing_is_sent(string typed, string problem)
    {
        var dave = _rig.AddAccount("dave");
        var result = await _flow.SendCodeAsync(dave, typed, Session, TwoFactorRig.Client, Ct);
        Assert.Equal(RecoveryChangeOutcome.Invalid, result.Outcome);
        Assert.Equal((RecoveryPhoneChange.Field, problem), (result.Problems[0].Field, result.Problems[0].Code));
        Assert.Empty(_rig.Factors.Messages);
    }

    [Fact]
    public async Task Removing_the_number_turns_text_message_codes_and_alerts_off_and_tells_the_number()
    {
        var erin = _rig.AddAccount("erin", confirmedPhone: Number);
        Assert.True((await _alerts.SetAsync(erin, true, TwoFactorRig.Client, Ct)).Saved);
        Assert.True(_rig.Fresh(erin).SecurityAlertsBySms);

        var removed = await _flow.RemoveAsync(_rig.Fresh(erin), TwoFactorRig.Client, Ct);

        Assert.Equal(RecoveryChangeOutcome.Saved, removed.Outcome);
        var now = _rig.Fresh(erin);
        Assert.Null(now.PhoneNumber);
        Assert.False(now.PhoneNumberConfirmed);
        Assert.False(now.SmsCodesEnabled);
        Assert.False(now.SecurityAlertsBySms);
        Assert.Contains("phone number was removed", Assert.Single(NoticesTo(Number)));
        Assert.Equal(RecoveryChangeOutcome.NothingToRemove, (await _flow.RemoveAsync(now, TwoFactorRig.Client, Ct)).Outcome);
    }

    [Fact]
    public async Task Alerts_by_text_message_need_a_confirmed_phone_and_each_change_is_logged()
    {
        var frank = _rig.AddAccount("frank");
        var refused = await _alerts.SetAsync(frank, true, TwoFactorRig.Client, Ct);
        Assert.False(refused.Saved);
        Assert.False(_rig.Fresh(frank).SecurityAlertsBySms);
        Assert.Empty(_rig.Accounts.Events);

        var grace = _rig.AddAccount("grace", confirmedPhone: Number);
        var on = await _alerts.SetAsync(grace, true, TwoFactorRig.Client, Ct);
        Assert.True(on.Saved);
        Assert.True(_rig.Fresh(grace).SecurityAlertsBySms);
        var logged = Assert.Single(_rig.Accounts.Events);
        Assert.Equal((SecurityEventKind.RecoveryInfoChanged, "sms-alerts-on", on.ReferenceCode), (logged.Kind, logged.Reason, logged.ReferenceCode));
        Assert.True((await _alerts.SetAsync(_rig.Fresh(grace), false, TwoFactorRig.Client, Ct)).Saved);
        Assert.False(_rig.Fresh(grace).SecurityAlertsBySms);
        Assert.Equal("sms-alerts-off", _rig.Accounts.Events.Last().Reason);
    }
}
