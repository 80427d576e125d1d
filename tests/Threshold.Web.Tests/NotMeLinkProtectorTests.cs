using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Errors;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Tests;

/// <summary>The "This wasn't me" token sealed by the real Data Protection stack: tamper-proof, its own purpose, 7 days on the app's clock.</summary>
public sealed class NotMeLinkProtectorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly EphemeralDataProtectionProvider _provider = new();
    private readonly Guid _account = Guid.NewGuid();
    private readonly string _reference = ReferenceCode.New();

    private NotMeLinks Links(IDataProtectionProvider? provider = null) =>
        new(new DataProtectionNotMeLinkProtector(provider ?? _provider), Options.Create(new ThresholdOptions()), _clock);

    [Fact]
    public void A_sealed_token_is_url_safe_hides_its_content_and_opens_to_the_account_and_notice()
    {
        var token = Links().Token(_account, _reference);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.DoesNotContain(_reference, token);
        Assert.DoesNotContain(_account.ToString("N"), token);
        Assert.Equal(new NotMeLinkRead(NotMeLinkStatus.Valid, _account, _reference), Links().Read(token));
    }

    [Fact]
    public void Every_changed_character_is_refused()
    {
        var token = Links().Token(_account, _reference);
        for (var i = 0; i < token.Length; i++)
        {
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Equal(NotMeLinkStatus.Invalid, Links().Read(changed).Status);
        }
        Assert.Equal(NotMeLinkStatus.Invalid, Links().Read(token[..^2]).Status);
        Assert.Equal(NotMeLinkStatus.Invalid, Links().Read(token + "AA").Status);
    }

    [Fact]
    public void Another_purpose_or_another_key_ring_cannot_make_a_token()
    {
        var payload = $"nm1|{_account:N}|{_reference}|{(_clock.GetUtcNow() + TimeSpan.FromDays(1)).ToUnixTimeSeconds()}";
        // The same payload sealed for factor secrets (the other protector the app has) is not a not-me token.
        var asSecret = new DataProtectionSecretProtector(_provider).Protect(payload);
        Assert.Equal(NotMeLinkStatus.Invalid, Links().Read(asSecret).Status);
        Assert.Equal(NotMeLinkStatus.Invalid, Links().Read(Links(new EphemeralDataProtectionProvider()).Token(_account, _reference)).Status);
    }

    [Fact]
    public void The_token_expires_after_seven_days_on_the_apps_clock()
    {
        var token = Links().Token(_account, _reference);
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(NotMeLinkStatus.Valid, Links().Read(token).Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NotMeLinkStatus.Expired, Links().Read(token).Status);
    }
}
