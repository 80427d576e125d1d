using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Errors;
using Threshold.Core.Sessions;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>The login history read from the event log: which events, in what words, in what pages, and what is new.</summary>
public class LoginHistoryTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly RecordingEventLog _log = new();
    private readonly LoginHistory _history;
    private readonly Guid _account = Guid.NewGuid();

    public LoginHistoryTests() => _history = new LoginHistory(_log);

    private SecurityEvent Record(SecurityEventKind kind, int minute, string? reason = null, string? device = null, string? country = null,
        string? city = null, string? userAgent = Chrome, string ip = "203.0.113.7", Guid? account = null)
    {
        var client = new ClientInfo(ip, userAgent)
        {
            DeviceHash = device,
            Place = country is null && city is null ? null : new GeoPlace(country, city),
        };
        var e = SecurityEvent.Of(kind, Start.AddMinutes(minute), client, ReferenceCode.New(), account ?? _account, "someone", reason);
        _log.RecordAsync(e, Ct);
        return e;
    }

    [Fact]
    public async Task Lists_sign_in_attempts_newest_first_and_nothing_else()
    {
        var success = Record(SecurityEventKind.SignInSucceeded, 1, "password");
        var wrong = Record(SecurityEventKind.SignInFailed, 2, "wrong_password");
        var wrongCode = Record(SecurityEventKind.SecondFactorFailed, 3, "totp");
        var reset = Record(SecurityEventKind.PasswordReset, 4, "email");
        var report = Record(SecurityEventKind.NotMeReported, 5);
        Record(SecurityEventKind.SecondFactorRequired, 6, "password");
        Record(SecurityEventKind.SignedOut, 7);
        Record(SecurityEventKind.PasswordChanged, 8);
        Record(SecurityEventKind.Reauthenticated, 9, "password");
        Record(SecurityEventKind.SessionEnded, 10, "other");
        Record(SecurityEventKind.SignInSucceeded, 11, "password", account: Guid.NewGuid());

        var page = await _history.PageAsync(_account, 1, Ct);

        Assert.Equal([report.ReferenceCode, reset.ReferenceCode, wrongCode.ReferenceCode, wrong.ReferenceCode, success.ReferenceCode],
            page.Entries.Select(e => e.ReferenceCode));
        Assert.Equal(5, page.Total);
        Assert.Equal(1, page.PageCount);
        Assert.False(page.HasNewer);
        Assert.False(page.HasOlder);
    }

    [Theory]
    [InlineData(SecurityEventKind.SignInSucceeded, "password", AttemptResult.SignedIn, "Password")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+totp", AttemptResult.SignedIn, "Password AuthenticatorApp")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+sms", AttemptResult.SignedIn, "Password TextMessage")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+email", AttemptResult.SignedIn, "Password EmailCode")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+backup-code", AttemptResult.SignedIn, "Password BackupCode")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+security-key", AttemptResult.SignedIn, "Password SecurityKey")]
    [InlineData(SecurityEventKind.SignInSucceeded, "password+remembered_device", AttemptResult.SignedIn, "Password RememberedDevice")]
    [InlineData(SecurityEventKind.SignInSucceeded, "passkey", AttemptResult.SignedIn, "Passkey")]
    [InlineData(SecurityEventKind.SignInSucceeded, "accepted_caps_lock", AttemptResult.SignedIn, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "wrong_password", AttemptResult.WrongPassword, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "caps_lock", AttemptResult.WrongPassword, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "old_password", AttemptResult.WrongPassword, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "owner_notified", AttemptResult.Blocked, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "throttled", AttemptResult.Blocked, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "challenge_required", AttemptResult.Blocked, "Password")]
    [InlineData(SecurityEventKind.SignInFailed, "passkey", AttemptResult.Failed, "Passkey")]
    [InlineData(SecurityEventKind.SecondFactorFailed, "totp", AttemptResult.WrongCode, "Password AuthenticatorApp")]
    [InlineData(SecurityEventKind.SecondFactorFailed, "sms", AttemptResult.WrongCode, "Password TextMessage")]
    [InlineData(SecurityEventKind.SecondFactorFailed, "backup-code", AttemptResult.WrongCode, "Password BackupCode")]
    [InlineData(SecurityEventKind.SecondFactorFailed, "security-key", AttemptResult.Failed, "Password SecurityKey")]
    [InlineData(SecurityEventKind.PasswordReset, "email", AttemptResult.PasswordReset, "EmailLink")]
    [InlineData(SecurityEventKind.PasswordReset, "sms", AttemptResult.PasswordReset, "TextMessage")]
    [InlineData(SecurityEventKind.NotMeReported, null, AttemptResult.ReportedNotMe, "")]
    public async Task Reads_the_result_and_method_from_the_event(SecurityEventKind kind, string? reason, AttemptResult result, string methods)
    {
        Record(kind, 1, reason);
        var entry = Assert.Single((await _history.PageAsync(_account, 1, Ct)).Entries);
        Assert.Equal(result, entry.Result);
        Assert.Equal(methods, string.Join(" ", entry.Methods));
    }

    [Fact]
    public async Task Each_entry_carries_time_device_address_place_and_reference()
    {
        var e = Record(SecurityEventKind.SignInSucceeded, 5, "password", device: "d1", country: "PT", city: "Lisbon", userAgent: Safari, ip: "203.0.113.9");
        var entry = Assert.Single((await _history.PageAsync(_account, 1, Ct)).Entries);
        Assert.Equal(Start.AddMinutes(5), entry.At);
        Assert.Equal(new DeviceName("Safari", "iPhone"), entry.Device);
        Assert.Equal("203.0.113.9", entry.IpAddress);
        Assert.Equal(new GeoPlace("PT", "Lisbon"), entry.Place);
        Assert.Equal(e.ReferenceCode, entry.ReferenceCode);

        Record(SecurityEventKind.SignInFailed, 6, "wrong_password", userAgent: null, ip: "10.0.0.1", country: "--");
        var newest = (await _history.PageAsync(_account, 1, Ct)).Entries[0];
        Assert.Equal(DeviceName.Unknown, newest.Device);
        Assert.True(newest.Place!.IsLocalNetwork);
        Record(SecurityEventKind.SignInFailed, 7, "wrong_password");
        Assert.Null((await _history.PageAsync(_account, 1, Ct)).Entries[0].Place);
    }

    [Fact]
    public async Task Pages_hold_20_entries_and_a_page_past_the_end_is_empty_with_the_total()
    {
        for (var i = 0; i < 45; i++) Record(SecurityEventKind.SignInFailed, i, "wrong_password");

        var first = await _history.PageAsync(_account, 1, Ct);
        var second = await _history.PageAsync(_account, 2, Ct);
        var third = await _history.PageAsync(_account, 3, Ct);
        Assert.Equal(20, first.Entries.Count);
        Assert.Equal(Start.AddMinutes(44), first.Entries[0].At);
        Assert.Equal(Start.AddMinutes(24), second.Entries[0].At);
        Assert.Equal(5, third.Entries.Count);
        Assert.Equal(Start, third.Entries[^1].At);
        Assert.Equal(3, first.PageCount);
        Assert.True(first.HasOlder);
        Assert.False(first.HasNewer);
        Assert.True(second.HasNewer && second.HasOlder);
        Assert.False(third.HasOlder);

        foreach (var beyond in new[] { 4, 1000, int.MaxValue })
        {
            var page = await _history.PageAsync(_account, beyond, Ct);
            Assert.Empty(page.Entries);
            Assert.Equal(45, page.Total);
            Assert.True(page.BeyondTheEnd);
        }
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _history.PageAsync(_account, 0, Ct));
    }

    [Fact]
    public async Task An_account_without_history_has_one_empty_first_page()
    {
        var page = await _history.PageAsync(_account, 1, Ct);
        Assert.Empty(page.Entries);
        Assert.Equal(0, page.Total);
        Assert.False(page.BeyondTheEnd);
        Assert.True((await _history.PageAsync(_account, 2, Ct)).BeyondTheEnd);
    }

    [Fact]
    public async Task A_success_is_new_on_its_first_device_or_country_after_sign_ins_from_elsewhere()
    {
        var first = Record(SecurityEventKind.SignInSucceeded, 0, "password", device: "A", country: "--");
        var abroad = Record(SecurityEventKind.SignInSucceeded, 1, "password", device: "A", country: "PT", city: "Lisbon");
        var phone = Record(SecurityEventKind.SignInSucceeded, 2, "password", device: "B", country: "PT");
        var noCookie = Record(SecurityEventKind.SignInSucceeded, 3, "password", device: null, country: "PT");
        var failure = Record(SecurityEventKind.SignInFailed, 4, "wrong_password", device: "C", country: "DE");
        var newBoth = Record(SecurityEventKind.SignInSucceeded, 5, "password", device: "C", country: "DE");
        var known = Record(SecurityEventKind.SignInSucceeded, 6, "password", device: "A", country: "DE");
        var unknownPlace = Record(SecurityEventKind.SignInSucceeded, 7, "password", device: "A");

        var entries = (await _history.PageAsync(_account, 1, Ct)).Entries.ToDictionary(e => e.ReferenceCode);
        (bool Device, bool Country) Marks(SecurityEvent e) => (entries[e.ReferenceCode].NewDevice, entries[e.ReferenceCode].NewCountry);

        Assert.Equal((false, false), Marks(first));
        Assert.Equal((false, true), Marks(abroad));
        Assert.Equal((true, false), Marks(phone));
        Assert.Equal((true, false), Marks(noCookie));
        Assert.Equal((false, false), Marks(failure));
        Assert.Equal((true, true), Marks(newBoth));
        Assert.Equal((false, false), Marks(known));
        Assert.Equal((false, false), Marks(unknownPlace));
    }

    [Fact]
    public async Task The_very_first_sign_in_is_not_new_even_without_a_device_cookie_or_from_abroad()
    {
        Record(SecurityEventKind.SignInSucceeded, 0, "password", device: null, country: "JP");
        var entry = Assert.Single((await _history.PageAsync(_account, 1, Ct)).Entries);
        Assert.False(entry.NewDevice);
        Assert.False(entry.NewCountry);
    }
}
