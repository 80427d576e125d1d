using MaxMind.Db;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Tests.Doubles;
using Threshold.Web.Tests.Infrastructure;

namespace Threshold.Core.Tests;

/// <summary>The location database: a file the test writes (MmdbWriter), read by MaxMind.Db itself and through MmdbGeoLocator.</summary>
public sealed class MmdbGeoLocatorTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("threshold-mmdb-");
    private readonly ListLogger<MmdbGeoLocator> _log = new();

    private MmdbGeoLocator Locator(string? path) => new(Options.Create(new GeoOptions { DatabasePath = path }), _log);

    private string Written(byte[]? bytes = null)
    {
        var path = Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N") + ".mmdb");
        File.WriteAllBytes(path, bytes ?? TestLocations.Writer().Build());
        return path;
    }

    private IEnumerable<string> Warnings => _log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    [Fact]
    public void The_written_file_is_a_valid_MaxMind_database_for_MaxMinds_own_reader()
    {
        using var reader = new Reader(Written(), FileAccessMode.Memory);

        Assert.Equal(2, reader.Metadata.BinaryFormatMajorVersion);
        Assert.Equal(0, reader.Metadata.BinaryFormatMinorVersion);
        Assert.Equal(6, reader.Metadata.IPVersion);
        Assert.Equal("Threshold-Test-City", reader.Metadata.DatabaseType);
        Assert.Equal(new[] { "en" }, reader.Metadata.Languages);
        Assert.Equal("Threshold test locations", reader.Metadata.Description["en"]);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), reader.Metadata.BuildDate);

        var lisbon = reader.Find<Dictionary<string, object>>(System.Net.IPAddress.Parse(TestLocations.Lisbon), out var prefix)!;
        Assert.Equal(24, prefix);
        var city = (Dictionary<string, object>)lisbon["city"];
        Assert.Equal("Lisboa", ((Dictionary<string, object>)city["names"])["pt-BR"]);
        Assert.Equal("PT", ((Dictionary<string, object>)lisbon["country"])["iso_code"]);
        Assert.Equal("DE", reader.Find<Dictionary<string, object>>(System.Net.IPAddress.Parse(TestLocations.Germany))!["country_code"]);
        Assert.Equal(1861060L, Convert.ToInt64(((Dictionary<string, object>)reader.Find<Dictionary<string, object>>(
            System.Net.IPAddress.Parse(TestLocations.Japan))!["country"])["geoname_id"]));
        Assert.Null(reader.Find<Dictionary<string, object>>(System.Net.IPAddress.Parse(TestLocations.Unlisted)));
        Assert.Null(reader.Find<Dictionary<string, object>>(System.Net.IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void Long_strings_and_larger_maps_use_the_extended_size_forms()
    {
        var name = new string('x', 300);
        var many = Enumerable.Range(0, 40).ToDictionary(i => "key" + i, i => (object)("value" + i));
        var bytes = new MmdbWriter()
            .Add("203.0.113.0/24", new Dictionary<string, object> { ["city"] = name, ["many"] = many, ["big"] = 70_000u, ["zero"] = 0u })
            .Build();
        using var reader = new Reader(new MemoryStream(bytes));
        var record = reader.Find<Dictionary<string, object>>(System.Net.IPAddress.Parse("203.0.113.200"))!;
        Assert.Equal(name, record["city"]);
        Assert.Equal(40, ((Dictionary<string, object>)record["many"]).Count);
        Assert.Equal(70_000L, Convert.ToInt64(record["big"]));
        Assert.Equal(0L, Convert.ToInt64(record["zero"]));
    }

    [Fact]
    public void Locates_addresses_in_both_record_shapes()
    {
        using var locator = Locator(Written());

        Assert.Equal(new GeoPlace("PT", "Lisbon"), locator.Locate(TestLocations.Lisbon));
        Assert.Equal(new GeoPlace("DE", null), locator.Locate(TestLocations.Germany));
        Assert.Equal(new GeoPlace("JP", null), locator.Locate(TestLocations.Japan));
        Assert.Null(locator.Locate(TestLocations.Unlisted));
        Assert.Null(locator.Locate("2001:db8::1"));
        Assert.Empty(Warnings);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("Threshold-Test-City"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.10")]
    [InlineData("::ffff:192.168.0.10")]
    [InlineData("fd00::1")]
    public void Local_network_addresses_are_the_local_network_with_or_without_a_database(string address)
    {
        using var withFile = Locator(Written());
        using var without = Locator(null);
        Assert.True(withFile.Locate(address)!.IsLocalNetwork);
        Assert.True(without.Locate(address)!.IsLocalNetwork);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("999.1.1.1")]
    public void What_is_not_an_address_has_no_place(string? address)
    {
        using var locator = Locator(Written());
        Assert.Null(locator.Locate(address));
    }

    [Fact]
    public void A_missing_file_is_a_warning_and_every_place_unknown()
    {
        var path = Path.Combine(_folder.FullName, "absent.mmdb");
        using var locator = Locator(path);
        Assert.Null(locator.Locate(TestLocations.Lisbon));
        Assert.Contains(Warnings, w => w.Contains(path) && w.Contains("could not be read"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is not a location database")]
    public void A_file_that_is_not_a_database_is_a_warning_and_every_place_unknown(string content)
    {
        var path = Written(System.Text.Encoding.UTF8.GetBytes(content));
        using var locator = Locator(path);
        Assert.Null(locator.Locate(TestLocations.Lisbon));
        Assert.Single(Warnings, w => w.Contains(path));
    }

    [Fact]
    public void A_damaged_search_tree_fails_each_lookup_quietly_and_is_logged_a_few_times_only()
    {
        var bytes = TestLocations.Writer().Build();
        Array.Fill(bytes, (byte)0xFF, 0, 600);
        using var locator = Locator(Written(bytes));

        for (var i = 0; i < 10; i++) Assert.Null(locator.Locate(TestLocations.Lisbon));
        Assert.Equal(3, Warnings.Count(w => w.Contains("lookup failed")));
    }

    public void Dispose()
    {
        try { _folder.Delete(recursive: true); }
        catch (IOException) { }
    }
}
