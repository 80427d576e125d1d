using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Messaging;

namespace Threshold.Core.Tests;

/// <summary>The words a notice uses for where and on what a thing happened.</summary>
public class NoticeWordsTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36", "Chrome on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15", "Safari on macOS")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Devices_are_named_in_words(string? userAgent, string? expected) =>
        Assert.Equal(expected, MessageComposer.DeviceWords(userAgent));

    [Fact]
    public void A_huge_user_agent_is_read_without_trouble()
    {
        Assert.Null(MessageComposer.DeviceWords(new string('x', 1_000_000)));
        Assert.Equal("Firefox", MessageComposer.DeviceWords("Firefox/1 " + new string('x', 1_000_000)));
    }

    [Fact]
    public void Places_are_named_in_words()
    {
        Assert.Equal("Lisbon, Portugal", MessageComposer.PlaceWords(new ClientInfo("203.0.113.9", null) { Place = new GeoPlace("PT", "Lisbon") }));
        Assert.Equal("Germany", MessageComposer.PlaceWords(new ClientInfo("203.0.113.9", null) { Place = new GeoPlace("DE", null) }));
        Assert.Equal("a local network", MessageComposer.PlaceWords(new ClientInfo("10.0.0.1", null) { Place = GeoPlace.LocalNetwork }));
        Assert.Null(MessageComposer.PlaceWords(new ClientInfo("203.0.113.9", null)));
    }
}
