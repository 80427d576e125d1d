namespace Threshold.Web.Tests;

/// <summary>
/// Approximate locations in the login history and on the sessions page, from a MaxMind-format
/// database the test writes (MmdbWriter), for addresses a trusted proxy forwards.
/// </summary>
public sealed class LocationTests
{
    /// <summary>The one address whose X-Forwarded-For the app believes.</summary>
    private const string Proxy = "10.254.0.1";

    private static ThresholdFactory App(Func<string, string?> databasePath, LogCollector? logs = null)
    {
        var app = new ThresholdFactory { Logs = logs };
        app.Settings["Network:TrustedProxies:0"] = Proxy;
        app.Settings["Geo:DatabasePath"] = databasePath(app.DataFolder);
        return app;
    }

    private static ThresholdFactory AppWithLocations() => App(TestLocations.WriteTo);

    /// <summary>A browser whose requests reach the app through the trusted proxy, from <paramref name="address"/>.</summary>
    private static Browser ThroughProxy(ThresholdFactory app, string address, string? userAgent = null)
    {
        var browser = new Browser(app, userAgent).From(Proxy);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return browser;
    }

    [Fact]
    public async Task An_address_forwarded_by_the_trusted_proxy_is_placed_by_the_location_database()
    {
        await using var app = AppWithLocations();
        var user = await app.RegisteredUserAsync();
        using var home = new Browser(app, UserAgents.ChromeOnWindows);
        (await home.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        foreach (var (address, agent) in new[]
                 {
                     (TestLocations.Lisbon, UserAgents.SafariOnIPhone), (TestLocations.Germany, UserAgents.FirefoxOnLinux),
                     (TestLocations.Japan, UserAgents.SamsungInternet), (TestLocations.Unlisted, UserAgents.ChromeOnWindows),
                 })
        {
            using var travelling = ThroughProxy(app, address, agent);
            (await travelling.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        }
        // Not through the proxy: the forwarded address is not believed, whatever it says.
        using var spoofing = new Browser(app, UserAgents.ChromeOnWindows);
        spoofing.Http.DefaultRequestHeaders.Add("X-Forwarded-For", TestLocations.Lisbon);
        (await spoofing.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var rows = (await home.ActivityAsync()).HistoryRows();

        Assert.Equal(6, rows.Count);
        var spoofed = rows[0];
        Assert.Equal(("Local network", spoofing.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single()), (spoofed.Location, spoofed.Address));
        Assert.Equal(("Unknown location", TestLocations.Unlisted), (rows[1].Location, rows[1].Address));
        Assert.Equal(("Japan", TestLocations.Japan, "Samsung Internet on Android"), (rows[2].Location, rows[2].Address, rows[2].Device));
        Assert.Equal(("Germany", TestLocations.Germany, "Firefox on Linux"), (rows[3].Location, rows[3].Address, rows[3].Device));
        Assert.Equal(("Lisbon, Portugal", TestLocations.Lisbon, "Safari on iPhone"), (rows[4].Location, rows[4].Address, rows[4].Device));
        Assert.Equal(("Local network", "Chrome on Windows"), (rows[5].Location, rows[5].Device));

        // Each first sign-in from a country after one from elsewhere is marked; each new browser too.
        Assert.Equal([false, false, true, true, true, false], rows.Select(r => r.NewCountry));
        Assert.Equal([true, true, true, true, true, false], rows.Select(r => r.NewDevice));

        // The sessions page places each session by the address it started from.
        var sessions = (await home.SessionsPageAsync()).SessionCards();
        Assert.Equal(6, sessions.Count);
        Assert.Contains(sessions, s => s.Location == $"Lisbon, Portugal ({TestLocations.Lisbon})" && s.Device == "Safari on iPhone");
        Assert.Contains(sessions, s => s.Location == $"Germany ({TestLocations.Germany})");
        Assert.Contains(sessions, s => s.Location == $"Unknown location ({TestLocations.Unlisted})");
        Assert.Equal("Local network", sessions.Single(s => s.ThisDevice).Location.Split(" (")[0]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("192.168.1.20")]
    public async Task Loopback_and_private_addresses_are_the_local_network(string address)
    {
        await using var app = AppWithLocations();
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app).From(address);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var row = Assert.Single((await browser.ActivityAsync()).HistoryRows());
        Assert.Equal(("Local network", address), (row.Location, row.Address));
        Assert.Equal($"Local network ({address})", Assert.Single((await browser.SessionsPageAsync()).SessionCards()).Location);
    }

    public static TheoryData<string, byte[]?> BrokenDatabases => new()
    {
        { "missing", null },
        { "empty", [] },
        { "not a database", "GeoLite2? No, just text."u8.ToArray() },
        { "damaged tree", Damaged() },
    };

    private static byte[] Damaged()
    {
        var bytes = TestLocations.Writer().Build();
        Array.Fill(bytes, (byte)0xFF, 0, 600);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(BrokenDatabases))]
    public async Task A_missing_or_broken_database_leaves_the_server_running_with_Unknown_location_and_a_warning(string why, byte[]? content)
    {
        var logs = new LogCollector();
        string? path = null;
        await using var app = App(folder =>
        {
            path = Path.Combine(folder, "locations.mmdb");
            if (content is not null) File.WriteAllBytes(path, content);
            return path;
        }, logs);

        using var health = Browser.Bare(app);
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("/healthz", Ct)).StatusCode);
        var user = await app.RegisteredUserAsync();
        using var browser = ThroughProxy(app, TestLocations.Lisbon);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var row = Assert.Single((await browser.ActivityAsync()).HistoryRows());
        Assert.Equal(("Unknown location", TestLocations.Lisbon), (row.Location, row.Address));
        Assert.False(row.NewCountry);
        var warnings = logs.Lines.Where(l => l.StartsWith("Warning Threshold.Core.Activity.Locations.MmdbGeoLocator", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count > 0, $"No warning about the {why} database; log:\n" + string.Join("\n", logs.Lines.Where(l => l.Contains("ocation"))));
        if (why != "damaged tree") Assert.Contains(warnings, w => w.Contains(path!));
    }
}
