using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Errors;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>The "This wasn't me" token: names the account and the notice, opens only unchanged, and for 7 days.</summary>
public class NotMeLinksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly SigningLinkProtector _protector = new();
    private readonly NotMeLinks _links;
    private readonly Guid _account = Guid.NewGuid();
    private readonly string _reference = ReferenceCode.New();

    public NotMeLinksTests() =>
        _links = new NotMeLinks(_protector, Options.Create(new ThresholdOptions { PublicOrigin = "https://login.example.com" }), _clock);

    [Fact]
    public void A_token_names_the_account_and_the_notice()
    {
        var read = _links.Read(_links.Token(_account, _reference));
        Assert.Equal(new NotMeLinkRead(NotMeLinkStatus.Valid, _account, _reference), read);
    }

    [Fact]
    public void The_link_is_the_not_me_page_on_the_public_origin()
    {
        var link = _links.Link(_account, _reference);
        Assert.StartsWith("https://login.example.com/account/not-me?t=", link.AbsoluteUri);
        var token = Uri.UnescapeDataString(link.Query["?t=".Length..]);
        Assert.Equal(NotMeLinkStatus.Valid, _links.Read(token).Status);
    }

    [Fact]
    public void A_token_works_for_seven_days_and_then_expires()
    {
        var token = _links.Token(_account, _reference);
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(NotMeLinkStatus.Valid, _links.Read(token).Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new NotMeLinkRead(NotMeLinkStatus.Expired, _account, _reference), _links.Read(token));
    }

    [Fact]
    public void A_changed_token_does_not_open()
    {
        var token = _links.Token(_account, _reference);
        for (var i = 0; i < token.Length; i += 7)
        {
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(changed).Status);
        }
        // Another account's id in the payload, with the original seal: refused.
        var dot = token.IndexOf('.');
        var other = _links.Token(Guid.NewGuid(), _reference);
        Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(other[..other.IndexOf('.')] + token[dot..]).Status);
    }

    [Fact]
    public void A_token_sealed_with_another_key_does_not_open()
    {
        var elsewhere = new NotMeLinks(new SigningLinkProtector(), Options.Create(new ThresholdOptions()), _clock);
        Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(elsewhere.Token(_account, _reference)).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("a.b")]
    [InlineData("%%%.%%%")]
    public void Garbage_does_not_open(string? token) => Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(token).Status);

    [Fact]
    public void An_oversized_token_is_not_even_unprotected()
    {
        Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(new string('A', NotMeLinks.MaxTokenLength + 1)).Status);
    }

    [Theory]
    [InlineData("nm0|{0}|{1}|{2}")]          // another version
    [InlineData("nm1|not-a-guid|{1}|{2}")]
    [InlineData("nm1|{0}|NOT-A-REF0|{2}")]
    [InlineData("nm1|{0}|{1}|soon")]
    [InlineData("nm1|{0}|{1}|99999999999999999999")]
    [InlineData("nm1|{0}|{1}")]
    [InlineData("nm1|{0}|{1}|{2}|extra")]
    public void A_sealed_payload_that_is_not_a_well_formed_token_does_not_open(string shape)
    {
        var payload = string.Format(shape, _account.ToString("N"), _reference, (Now + TimeSpan.FromDays(1)).ToUnixTimeSeconds());
        Assert.Equal(NotMeLinkStatus.Invalid, _links.Read(_protector.Protect(payload)).Status);
    }
}
