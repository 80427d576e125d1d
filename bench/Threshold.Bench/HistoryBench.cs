using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Errors;
using Threshold.Store;
using Threshold.Store.Sqlite;

namespace Threshold.Bench;

/// <summary>
/// Issue 7: what the login history costs for a long-lived account, and what a location lookup
/// costs. Seeds one account with N events in a fresh SQLite file (the embedded default), then
/// times LoginHistory.PageAsync (the page query plus the first-seen devices and countries it
/// reads for the "new" marks) for the first and the last page. With --mmdb, times lookups in a
/// real location database.
/// </summary>
internal static class HistoryBench
{
    public static async Task<int> RunAsync(Args options)
    {
        var count = options.Int("events", 10_000, 1, 1_000_000);
        var runs = options.Int("runs", 200, 1, 100_000);
        var path = Path.Combine(Path.GetTempPath(), $"threshold-history-bench-{Guid.NewGuid():N}.db");
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        SqliteProvider.Use(builder, $"Data Source={path};Pooling=False");
        try
        {
            var accountId = await SeedAsync(builder.Options, count);
            Console.WriteLine($"history: one account with {count} events (SQLite {path}), {runs} runs per page");
            var history = new LoginHistory(new EfSecurityEventLog(new ThresholdDbContext(builder.Options)));
            var total = (await history.PageAsync(accountId, 1)).Total;
            var last = Math.Max(1, (total + LoginHistory.PageSize - 1) / LoginHistory.PageSize);
            foreach (var (name, page) in new[] { ("first page", 1), ($"last page ({last})", last) })
            {
                var samples = new List<double>(runs);
                for (var i = 0; i < runs; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await history.PageAsync(accountId, page);
                    samples.Add(watch.Elapsed.TotalMilliseconds);
                }
                Console.WriteLine(Stats.Of(samples).Line(name));
            }
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        }
        if (options.String("mmdb") is { } mmdb) Lookups(mmdb, options.Int("lookups", 1_000_000, 1, 100_000_000));
        return 0;
    }

    private static async Task<Guid> SeedAsync(DbContextOptions<ThresholdDbContext> options, int count)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.MigrateAsync();
        var accountId = Guid.NewGuid();
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var random = new Random(7);
        string[] countries = ["PT", "DE", "US", "BR", "JP"];
        for (var done = 0; done < count; done += 5_000)
        {
            foreach (var i in Enumerable.Range(done, Math.Min(5_000, count - done)))
            {
                var success = random.Next(4) != 0;
                db.SecurityEvents.Add(new SecurityEvent
                {
                    Id = Guid.NewGuid(), At = start.AddMinutes(i * 5), AccountId = accountId, ReferenceCode = ReferenceCode.New(),
                    Kind = success ? SecurityEventKind.SignInSucceeded : SecurityEventKind.SignInFailed,
                    Reason = success ? "password+totp" : "wrong_password",
                    IpAddress = $"203.0.113.{random.Next(1, 255)}", DeviceHash = $"device-{random.Next(50)}",
                    CountryCode = countries[random.Next(countries.Length)], City = "Somewhere",
                    UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
                });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        return accountId;
    }

    private static void Lookups(string mmdb, int lookups)
    {
        using var locator = new MmdbGeoLocator(Options.Create(new GeoOptions { DatabasePath = mmdb }), NullLogger<MmdbGeoLocator>.Instance);
        var random = new Random(11);
        var addresses = Enumerable.Range(0, 4096).Select(_ => new IPAddress(random.NextInt64(0x01000000, 0xDF000000)).ToString()).ToArray();
        var found = addresses.Count(a => locator.Locate(a) is { CountryCode: not null });
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < lookups; i++) locator.Locate(addresses[i & 4095]);
        var perLookup = watch.Elapsed.TotalMicroseconds / lookups;
        Console.WriteLine($"geo: {Path.GetFileName(mmdb)}: {lookups} lookups of random public IPv4 addresses on one thread, " +
            $"{perLookup:F2} µs each ({1_000_000 / perLookup:F0}/s); {found} of 4096 addresses had a country");
    }
}
