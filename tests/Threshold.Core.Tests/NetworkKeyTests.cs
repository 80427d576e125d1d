using Threshold.Core.Defense;

namespace Threshold.Core.Tests;

public class NetworkKeyTests
{
    [Fact]
    public void IPv6_addresses_in_one_64_are_one_network()
    {
        Assert.Equal("2001:db8:1:2::/64", NetworkKey.Of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        Assert.Equal(NetworkKey.Of("2001:db8:1:2::1"), NetworkKey.Of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(NetworkKey.Of("2001:db8:1:2::1"), NetworkKey.Of("2001:db8:1:3::1"));
    }

    [Fact]
    public void IPv4_addresses_are_their_own_network_also_when_mapped_into_IPv6()
    {
        Assert.Equal("198.51.100.7", NetworkKey.Of("198.51.100.7"));
        Assert.Equal("198.51.100.7", NetworkKey.Of("::ffff:198.51.100.7"));
        Assert.NotEqual(NetworkKey.Of("198.51.100.7"), NetworkKey.Of("198.51.100.8"));
    }

    [Fact]
    public void A_missing_or_unreadable_address_is_the_unknown_network()
    {
        Assert.Equal(NetworkKey.Unknown, NetworkKey.Of((string?)null));
        Assert.Equal(NetworkKey.Unknown, NetworkKey.Of("not an address"));
    }
}
