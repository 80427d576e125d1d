using System.Net;
using System.Net.Sockets;

namespace Threshold.Core.Defense;

/// <summary>
/// The network a client address belongs to, for per-network counters and limits: an IPv4
/// address on its own, an IPv6 address by its /64 (one customer line or host gets a whole
/// /64, so counting single IPv6 addresses would count nothing).
/// </summary>
public static class NetworkKey
{
    public const string Unknown = "unknown";

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string Of(string? address) =>
        address is not null && IPAddress.TryParse(address, out var parsed) ? Of(parsed) : Unknown;
}
