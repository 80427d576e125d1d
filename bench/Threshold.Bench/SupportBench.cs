using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Threshold.Core.Support.Desk;
using Threshold.Core.Support.Search;
using Threshold.Store;
using Threshold.Store.Sqlite;

namespace Threshold.Bench;

/// <summary>
/// Issue 8: what the support console's reads cost as the customer base grows. Seeds a fresh
/// SQLite file (see <see cref="SupportSeed"/>), then times the real Core services over the real
/// EF stores, one new DbContext per operation as a request scope has: CustomerSearch by each
/// kind of text an agent types, the queue's first page, and a long timeline's first and last
/// page. Every answer is checked (the search must find the account it was given), so a fast
/// wrong answer cannot pass. Before timing, one unmeasured pass prints SQLite's plan for each query.
/// </summary>
internal static class SupportBench
{
    private const int WarmupRuns = 20;

    /// <param name="Run">Does one operation on a fresh context; returns what was wrong with the answer, or null.</param>
    private sealed record Case(string Name, Func<ThresholdDbContext, int, Task<string?>> Run);

    public static async Task<int> RunAsync(Args options)
    {
        var accounts = options.Int("accounts", 10_000, 10, 5_000_000);
        var runs = options.Int("runs", 200, 1, 100_000);
        var timelineEvents = options.Int("timeline-events", 1_000, 1, 1_000_000);
        var openRequests = options.Int("open-requests", 1_000, 1, 1_000_000);
        var closedRequests = options.Int("closed-requests", 1_000, 0, 1_000_000);
        var path = Path.Combine(Path.GetTempPath(), $"threshold-support-bench-{Guid.NewGuid():N}.db");
        // Pooled connections, as the server opens them (the connection string is the server's default form).
        var connection = $"Data Source={path}";
        var plans = new QueryPlans();
        var plain = ContextOptions(connection, null);
        var explained = ContextOptions(connection, plans);
        try
        {
            var seedWatch = Stopwatch.StartNew();
            var targets = await SupportSeed.SeedAsync(plain, accounts, timelineEvents, openRequests, closedRequests);
            await using (var db = new ThresholdDbContext(plain))
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);"); // a settled file, as a running server keeps it
            Console.WriteLine($"support: {accounts:N0} accounts ({targets.Phones.Count:N0} with a confirmed phone, {targets.RecoveryEmails.Count:N0} " +
                $"with a verified recovery email), {targets.Events:N0} security events, {targets.OpenRequests:N0} open and " +
                $"{targets.ClosedRequests:N0} closed requests; one account with {timelineEvents:N0} events");
            Console.WriteLine($"seeded in {seedWatch.Elapsed.TotalSeconds:F1} s (accounts {targets.AccountsTook.TotalSeconds:F1} s, " +
                $"events {targets.EventsTook.TotalSeconds:F1} s, requests {targets.RequestsTook.TotalSeconds:F1} s); " +
                $"SQLite file {new FileInfo(path).Length / 1048576.0:F1} MiB ({path})");
            PhoneNote(targets);

            Console.WriteLine($"load average before measuring: {LoadAverage()}");
            var rows = new List<string>();
            foreach (var c in Cases(targets, openRequests, timelineEvents))
            {
                Console.WriteLine($"{c.Name}: plan");
                await OnceAsync(explained, c, 0);
                foreach (var line in plans.Take()) Console.WriteLine(line);
                for (var i = 0; i < WarmupRuns; i++) await OnceAsync(plain, c, i);
                rows.Add(await MeasureAsync(plain, c, runs));
            }
            rows.Add(ParseOnly(targets, runs));

            Console.WriteLine();
            Console.WriteLine($"{runs} runs each after {WarmupRuns} unmeasured, one thread, times in ms; allocated = managed bytes per operation; " +
                "others = cores other processes kept busy meanwhile");
            Console.WriteLine("| operation | p50 | p95 | max | mean | allocated | others |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var row in rows) Console.WriteLine(row);
            Console.WriteLine($"load average after: {LoadAverage()}");
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"process: working set {self.WorkingSet64 / 1048576.0:F0} MiB (peak {self.PeakWorkingSet64 / 1048576.0:F0} MiB, " +
                $"seeding included), managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} MiB");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        }
        return 0;
    }

    private static DbContextOptions<ThresholdDbContext> ContextOptions(string connection, QueryPlans? plans)
    {
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        SqliteProvider.Use(builder, connection);
        if (plans is not null) builder.AddInterceptors(plans);
        return builder.Options;
    }

    private static IEnumerable<Case> Cases(SupportTargets t, int openRequests, int timelineEvents)
    {
        var random = new Random(9);
        // Each run looks up a different customer, so no run is served by the previous run's pages alone.
        Func<int, (string, Guid)> Pick(IReadOnlyList<(string Typed, Guid Account)> list) { var order = Shuffled(list.Count, random); return i => list[order[i % order.Length]]; }

        yield return Search("search: email", Pick(t.Emails));
        yield return Search("search: recovery email", Pick(t.RecoveryEmails));
        yield return Search("search: username", Pick(t.Usernames));
        yield return Search("search: phone, national form", Pick(t.Phones));
        yield return Search("search: event reference code", Pick(t.EventCodes));
        var numbers = t.RequestNumbers;
        yield return new("search: request number", async (db, i) =>
        {
            var (number, _) = numbers[i % numbers.Count];
            var found = await NewSearch(db).SearchAsync(number.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal));
            return found.Request?.Number == number ? null : $"request {number} not found";
        });
        yield return Miss("search: miss, unknown email", i => $"nobody{i}@example.org");
        yield return Miss("search: miss, unknown code", _ => ReferenceCode.New());

        // Not the console: "Can't sign in?" (and forgot password, forgot username) match a phone contact the same way, on the same column.
        var phone = Pick(t.Phones);
        yield return new("(can't sign in: account by phone, IAccountStore)", async (db, i) =>
        {
            var (typed, account) = phone(i);
            var e164 = "+44" + typed[1..].Replace(" ", "", StringComparison.Ordinal);
            var found = await new EfAccountStore(db).FindByConfirmedPhoneAsync(e164);
            return found.Any(a => a.Id == account) ? null : $"{e164} did not find its account";
        });

        yield return new("queue: open, first page", async (db, _) =>
        {
            var page = await new SupportQueue(new EfSupportRequestStore(db), new EfCustomerSearchStore(db)).PageAsync(SupportRequestStatus.Open, 1);
            return page.Page.Total == openRequests && page.Page.Items.Count == Math.Min(SupportQueue.PageSize, openRequests) ? null : "wrong queue page";
        });
        yield return new("queue: closed, first page", async (db, _) =>
        {
            var page = await new SupportQueue(new EfSupportRequestStore(db), new EfCustomerSearchStore(db)).PageAsync(SupportRequestStatus.Closed, 1);
            return page.Page.Items.All(r => r.Status == SupportRequestStatus.Closed) ? null : "wrong closed page";
        });
        var lastPage = (timelineEvents + SecurityTimeline.PageSize - 1) / SecurityTimeline.PageSize;
        foreach (var (name, number) in new[] { ("timeline: first page", 1), ($"timeline: last page ({lastPage})", lastPage) })
        {
            yield return new(name, async (db, _) =>
            {
                var page = await new SecurityTimeline(new EfSecurityEventLog(db)).PageAsync(t.TimelineAccount, number, null);
                return page.Page.Total == timelineEvents && page.Page.Items.Count > 0 ? null : "wrong timeline page";
            });
        }
    }

    private static Case Search(string name, Func<int, (string Typed, Guid Account)> pick) => new(name, async (db, i) =>
    {
        var (typed, account) = pick(i);
        var found = await NewSearch(db).SearchAsync(typed);
        return found.Customers.Any(c => c.Id == account) ? null : $"'{typed}' did not find its account";
    });

    private static Case Miss(string name, Func<int, string> typed) => new(name, async (db, i) =>
    {
        var found = await NewSearch(db).SearchAsync(typed(i));
        return found.Accepted && found.FoundNothing ? null : $"'{typed(i)}' found something";
    });

    private static CustomerSearch NewSearch(ThresholdDbContext db) =>
        new(new EfCustomerSearchStore(db), new EfSecurityEventLog(db), new EfSupportRequestStore(db));

    private static async Task OnceAsync(DbContextOptions<ThresholdDbContext> options, Case c, int i)
    {
        await using var db = new ThresholdDbContext(options);
        if (await c.Run(db, i) is { } wrong) throw new InvalidOperationException($"{c.Name}: {wrong}");
    }

    private static async Task<string> MeasureAsync(DbContextOptions<ThresholdDbContext> options, Case c, int runs)
    {
        var samples = new List<double>(runs);
        var cpu = CpuSnapshot.Take(null);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await OnceAsync(options, c, WarmupRuns + i);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Row(c.Name, samples, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / runs, cpu);
    }

    /// <summary>
    /// A number typed without its country is tried as a number of every country: that is Core's
    /// work, with no database, and this row shows how much of the phone search it is.
    /// </summary>
    private static string ParseOnly(SupportTargets t, int runs)
    {
        var samples = new List<double>(runs);
        var cpu = CpuSnapshot.Take(null);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            if (CustomerQuery.Read(t.Phones[i % t.Phones.Count].Typed).Query is not { Phones.Count: > 0 })
                throw new InvalidOperationException("a national number read as no phone number");
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Row("(phone, national form: reading the text only, no database)", samples, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / runs, cpu);
    }

    private static void PhoneNote(SupportTargets t)
    {
        var (typed, _) = t.Phones[0];
        var query = CustomerQuery.Read(typed).Query!;
        Console.WriteLine($"a national number such as '{typed}' reads as {query.Phones.Count} candidate number(s): {string.Join(", ", query.Phones)}");
    }

    /// <param name="since">Taken when the row's runs began: the "others" column is what other processes kept busy meanwhile (of 2 cores here).</param>
    private static string Row(string name, List<double> samples, long bytesPerRun, CpuSnapshot since)
    {
        var s = Stats.Of(samples);
        var use = CpuSnapshot.Between(since, CpuSnapshot.Take(null), Environment.ProcessorCount);
        var others = Math.Max(0, use.MachineBusyCores - use.DriverSeconds / use.WallSeconds);
        return $"| {name} | {s.P50:F2} | {s.P95:F2} | {s.Max:F2} | {s.Mean:F2} | {bytesPerRun / 1024.0:F0} KB | {others:F2} |";
    }

    private static string LoadAverage()
    {
        try { return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static int[] Shuffled(int count, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }
}
