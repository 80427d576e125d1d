namespace Threshold.Core.Activity.Locations;

/// <summary>
/// Roughly where an address is: a country (ISO 3166 code) and perhaps a city, as the location
/// database says. Local network addresses have a place of their own.
/// </summary>
public sealed record GeoPlace(string? CountryCode, string? City)
{
    /// <summary>Loopback and private addresses: the same building, not a place on a map.</summary>
    public static readonly GeoPlace LocalNetwork = new("--", null);

    public bool IsLocalNetwork => CountryCode == LocalNetwork.CountryCode;
}

/// <summary>Looks an address up in the location database. Never throws: an unknown address is null.</summary>
public interface IGeoLocator
{
    GeoPlace? Locate(string? ipAddress);
}

/// <summary>Bound from the "Geo" section.</summary>
public sealed class GeoOptions
{
    /// <summary>A MaxMind-format .mmdb file (GeoLite2, DB-IP Lite, ip-location-db). Unset: no locations, "Unknown location".</summary>
    public string? DatabasePath { get; set; }
}
