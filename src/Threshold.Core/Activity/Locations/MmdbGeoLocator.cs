using System.Net;
using MaxMind.Db;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Threshold.Core.Activity.Locations;

/// <summary>
/// Reads any MaxMind-format .mmdb file through MaxMind.Db. Both common record shapes are understood:
/// GeoIP2 / GeoLite2 / DB-IP ("country": {"iso_code"}, "city": {"names": {"en"}}) and ip-location-db
/// ("country_code", "city"). A missing or broken file is a warning at start, and every place unknown.
/// </summary>
public sealed class MmdbGeoLocator : IGeoLocator, IDisposable
{
    private readonly Reader? _reader;
    private readonly ILogger<MmdbGeoLocator> _log;
    private int _lookupFaultsLogged;

    public MmdbGeoLocator(IOptions<GeoOptions> options, ILogger<MmdbGeoLocator> log)
    {
        _log = log;
        var path = options.Value.DatabasePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            log.LogInformation("No location database configured (Geo:DatabasePath); locations show as unknown.");
            return;
        }
        try
        {
            _reader = new Reader(path, FileAccessMode.Memory);
            log.LogInformation("Location database {Path} ({Type}, built {Built:yyyy-MM-dd}) loaded.", path, _reader.Metadata.DatabaseType, _reader.Metadata.BuildDate);
        }
        catch (Exception e) when (e is IOException or InvalidDatabaseException or UnauthorizedAccessException or ArgumentException)
        {
            log.LogWarning("The location database {Path} could not be read ({Reason}); locations show as unknown.", path, e.Message);
        }
    }

    public GeoPlace? Locate(string? ipAddress)
    {
        if (ipAddress is null || !IPAddress.TryParse(ipAddress, out var address)) return null;
        if (LocalNetworks.Contains(address)) return GeoPlace.LocalNetwork;
        if (_reader is null) return null;
        try
        {
            return Read(_reader.Find<Dictionary<string, object>>(address));
        }
        catch (Exception e) when (e is InvalidDatabaseException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
            // A damaged file fails per lookup; say so a few times, not for every request.
            if (Interlocked.Increment(ref _lookupFaultsLogged) <= 3)
                _log.LogWarning("A location lookup failed: {Reason}", e.Message);
            return null;
        }
    }

    private static GeoPlace? Read(Dictionary<string, object>? record)
    {
        if (record is null) return null;
        var country = Nested(record, "country", "iso_code") ?? Nested(record, "registered_country", "iso_code") ?? Text(record, "country_code");
        var city = record.GetValueOrDefault("city") switch
        {
            Dictionary<string, object> cityRecord => EnglishName(cityRecord),
            string { Length: > 0 } name => name,
            _ => null,
        };
        country = country is { Length: 2 } ? country.ToUpperInvariant() : null;
        return country is null && city is null ? null : new GeoPlace(country, city);
    }

    private static string? EnglishName(Dictionary<string, object> record) =>
        record.GetValueOrDefault("names") is Dictionary<string, object> names ? names.GetValueOrDefault("en") as string : null;

    private static string? Nested(Dictionary<string, object> record, string outer, string inner) =>
        record.GetValueOrDefault(outer) is Dictionary<string, object> nested ? nested.GetValueOrDefault(inner) as string : null;

    private static string? Text(Dictionary<string, object> record, string key) =>
        record.GetValueOrDefault(key) is string { Length: > 0 } value ? value : null;

    public void Dispose() => _reader?.Dispose();
}
