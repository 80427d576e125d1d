using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using AngleSharp.Html.Parser;

namespace Threshold.Bench;

internal sealed record BenchUser(string Username, string Email, string Password);

/// <summary>
/// Signs in through the real forms of a running server, concurrently, in bounded count and time.
/// </summary>
internal static class LoadDriver
{
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const int MaxDurationSeconds = 600;

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.String("url") ?? throw new ArgumentException("--url is required.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new ArgumentException("--url must be an absolute http(s) URL.");
        if (!IsLoopback(baseUri))
            throw new ArgumentException("--url must point at this machine (127.0.0.1, ::1 or localhost); the driver never loads another host.");

        var userCount = args.Int("users", 200, 1, 100_000);
        var concurrency = args.Int("concurrency", 4, 1, 256);
        var duration = args.Int("duration", 20, 0, MaxDurationSeconds);
        var maxLogins = args.Int("max-logins", 1_000_000, 1, 10_000_000);
        var probe = args.Int("probe", 300, 0, 10_000);
        var seedConcurrency = args.Int("seed-concurrency", 4, 1, 64);
        var usersFile = args.String("users-file") ?? Path.Combine(Path.GetTempPath(), "threshold-bench-users.tsv");
        int? serverPid = args.String("server-pid") is { } pidText ? int.Parse(pidText) : null;
        var label = args.String("label") ?? $"c{concurrency}";
        var hashMs = args.Double("hash-ms", double.NaN);
        var warmupSeconds = args.Int("warmup", 3, 0, 120);
        var cores = Environment.ProcessorCount;

        using var client = new FormClient(baseUri, Math.Max(concurrency, seedConcurrency));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(duration + 2 * MaxDurationSeconds));

        await CheckFormsAsync(client, stop.Token);

        List<BenchUser> users;
        if (args.Flag("seed"))
        {
            users = await SeedAsync(client, userCount, seedConcurrency, stop.Token);
            await File.WriteAllLinesAsync(usersFile, users.Select(u => $"{u.Username}\t{u.Email}\t{u.Password}"), stop.Token);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(usersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Console.WriteLine($"users written to {usersFile}");
        }
        else
        {
            if (!File.Exists(usersFile)) throw new ArgumentException($"No users file at {usersFile}: run once with --seed.");
            users = File.ReadLines(usersFile).Select(l => l.Split('\t')).Where(p => p.Length == 3)
                .Select(p => new BenchUser(p[0], p[1], p[2])).Take(userCount).ToList();
            if (users.Count == 0) throw new ArgumentException($"The users file {usersFile} is empty.");
        }

        var exitCode = 0;
        if (duration > 0)
            exitCode = await LoadAsync(client, users, concurrency, duration, maxLogins, warmupSeconds, args.String("dump"), serverPid, label, hashMs, cores, stop.Token);
        if (probe > 0)
            exitCode = Math.Max(exitCode, await ProbeFailuresAsync(client, users, probe, stop.Token));
        return exitCode;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Reads /signin and /register with a real HTML parser once, and checks the regex finds the same token.</summary>
    private static async Task CheckFormsAsync(FormClient client, CancellationToken ct)
    {
        var parser = new HtmlParser();
        foreach (var (path, fields) in new[]
                 {
                     ("/signin", new[] { "Input.Identifier", "Input.Password", FormClient.TokenField }),
                     ("/register", new[] { "Input.Email", "Input.Username", "Input.Password", FormClient.TokenField }),
                 })
        {
            var page = await client.GetAsync(path, new CookieContainer(), ct);
            if (page.Status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)page.Status}.");
            using var document = await parser.ParseDocumentAsync(page.Body, ct);
            var form = document.QuerySelector("form[method=post]") ?? throw new InvalidOperationException($"{path} has no POST form.");
            foreach (var name in fields)
                if (form.QuerySelector($"input[name='{name}']") is null)
                    throw new InvalidOperationException($"The form on {path} has no field {name}.");
            var parsed = form.QuerySelector($"input[name='{FormClient.TokenField}']")!.GetAttribute("value");
            if (string.IsNullOrEmpty(parsed) || parsed != FormClient.Token(page.Body))
                throw new InvalidOperationException($"The antiforgery token on {path} was not found by the regex.");
        }
    }

    // ---------------------------------------------------------------- seeding

    private static async Task<List<BenchUser>> SeedAsync(FormClient client, int count, int concurrency, CancellationToken ct)
    {
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var users = Enumerable.Range(0, count).Select(i =>
        {
            var name = $"b{run}{i:x5}";
            return new BenchUser(name, $"{name}@bench.example.com", RandomNumberGenerator.GetString(PasswordAlphabet, 20));
        }).ToList();

        var next = -1;
        var failures = new ConcurrentBag<string>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < users.Count)
            {
                var user = users[i];
                try
                {
                    var jar = new CookieContainer();
                    var form = await client.GetAsync("/register", jar, ct);
                    var token = FormClient.Token(form.Body) ?? throw new InvalidOperationException("no antiforgery token on /register");
                    var answer = await client.PostFormAsync("/register",
                    [
                        new(FormClient.TokenField, token),
                        new("Input.Email", user.Email),
                        new("Input.Username", user.Username),
                        new("Input.Password", user.Password),
                    ], jar, ct);
                    if (answer.Status is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther)
                        || answer.Location?.AbsolutePath != "/register/check-email")
                        failures.Add($"{user.Username}: {(int)answer.Status} {answer.Location}");
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    failures.Add($"{user.Username}: {e.Message}");
                }
            }
        }, ct)));
        watch.Stop();
        Console.WriteLine($"seeded {users.Count - failures.Count} of {users.Count} users through /register in {watch.Elapsed.TotalSeconds:F1} s " +
                          $"({users.Count / watch.Elapsed.TotalSeconds:F1}/s, {concurrency} at once), run id {run}");
        if (!failures.IsEmpty)
        {
            foreach (var f in failures.Take(5)) Console.Error.WriteLine($"  registration failed: {f}");
            throw new InvalidOperationException($"{failures.Count} registrations failed.");
        }
        return users;
    }

    // ---------------------------------------------------------------- load

    private sealed class Timings
    {
        public readonly List<double> Total = [], Get = [], Post = [], Follow = [];
    }

    private enum Step { Get, Post, Follow }

    /// <summary>One login in a new browser: GET /signin, POST the form, follow the redirect to /account.</summary>
    private static async Task<string?> LoginAsync(FormClient client, BenchUser user, bool byEmail, Timings? timings, CancellationToken ct)
    {
        var jar = new CookieContainer();
        var start = Stopwatch.GetTimestamp();
        var form = await client.GetAsync("/signin", jar, ct);
        var afterGet = Stopwatch.GetTimestamp();
        if (form.Status != HttpStatusCode.OK) return $"GET /signin {(int)form.Status}";
        var token = FormClient.Token(form.Body);
        if (token is null) return "no antiforgery token";

        var answer = await client.PostFormAsync("/signin",
        [
            new(FormClient.TokenField, token),
            new("returnUrl", ""),
            new("Input.Identifier", byEmail ? user.Email.ToUpperInvariant() : user.Username),
            new("Input.Password", user.Password),
        ], jar, ct);
        var afterPost = Stopwatch.GetTimestamp();
        if (answer.Status is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found))
            return $"POST /signin {(int)answer.Status}";
        if (answer.Location is null || answer.Location.AbsolutePath != "/account") return $"redirect to {answer.Location}";

        var landing = await client.GetAsync(answer.Location.ToString(), jar, ct);
        var end = Stopwatch.GetTimestamp();
        if (landing.Status != HttpStatusCode.OK) return $"GET /account {(int)landing.Status}";
        if (!landing.Body.Contains(user.Username, StringComparison.Ordinal)) return "/account does not name the user";

        if (timings is not null)
        {
            timings.Get.Add(Stopwatch.GetElapsedTime(start, afterGet).TotalMilliseconds);
            timings.Post.Add(Stopwatch.GetElapsedTime(afterGet, afterPost).TotalMilliseconds);
            timings.Follow.Add(Stopwatch.GetElapsedTime(afterPost, end).TotalMilliseconds);
            timings.Total.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
        }
        return null;
    }

    private static async Task<int> LoadAsync(FormClient client, List<BenchUser> users, int concurrency, int duration, int maxLogins,
        double warmupSeconds, string? dumpPath, int? serverPid, string label, double hashMs, int cores, CancellationToken ct)
    {
        var next = -1;
        BenchUser Pick(out bool byEmail)
        {
            var n = Interlocked.Increment(ref next);
            byEmail = n % 2 == 1; // every other login types the email (in upper case) instead of the username
            return users[(int)((uint)n % (uint)users.Count)];
        }

        // Warm-up: JIT (tier-1 recompilation needs a few hundred calls), connection pool, caches; not measured.
        var warmErrors = 0;
        var warmed = 0;
        var warmClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while ((warmClock.Elapsed.TotalSeconds < warmupSeconds || Volatile.Read(ref warmed) < 2 * concurrency) && warmed < 10_000)
            {
                if (await LoginAsync(client, Pick(out var e), e, null, ct) is not null) Interlocked.Increment(ref warmErrors);
                Interlocked.Increment(ref warmed);
            }
        }, ct)));
        var warmup = warmed;

        var errors = new ConcurrentDictionary<string, int>();
        var all = new Timings[concurrency];
        var issued = 0;
        var before = CpuSnapshot.Take(serverPid);
        var wall = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var timings = all[w] = new Timings();
            while (wall.Elapsed < deadline && Interlocked.Increment(ref issued) <= maxLogins)
            {
                string? error;
                var user = Pick(out var byEmail);
                try { error = await LoginAsync(client, user, byEmail, timings, ct); }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { error = "timeout"; }
                catch (HttpRequestException e) { error = "http: " + e.HttpRequestError; }
                if (error is not null) errors.AddOrUpdate(error, 1, (_, n) => n + 1);
            }
        }, ct)));
        wall.Stop();
        var after = CpuSnapshot.Take(serverPid);
        var cpu = CpuSnapshot.Between(before, after, cores);

        if (dumpPath is not null)
            await File.WriteAllLinesAsync(dumpPath, all.SelectMany(t => t.Get.Select((g, i) =>
                FormattableString.Invariant($"{g:F3}\t{t.Post[i]:F3}\t{t.Follow[i]:F3}\t{t.Total[i]:F3}"))).Prepend("get_ms\tpost_ms\tfollow_ms\ttotal_ms"), ct);
        var total = Stats.Of(all.SelectMany(t => t.Total).ToList());
        var errorCount = errors.Values.Sum();
        var perSecond = total.Count / wall.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"# load {label}: {concurrency} at once for {duration} s against {client.BaseAddress} with {users.Count} users " +
                          $"(warm-up {warmup} logins, {warmErrors} failed)");
        Console.WriteLine($"logins ok: {total.Count} in {wall.Elapsed.TotalSeconds:F2} s = {perSecond:F1} logins/s; errors: {errorCount}");
        foreach (var (kind, n) in errors.OrderByDescending(e => e.Value)) Console.WriteLine($"  error x{n}: {kind}");
        Console.WriteLine(total.Line("whole login (GET+POST+GET)"));
        Console.WriteLine(Stats.Of(all.SelectMany(t => t.Get).ToList()).Line("  GET /signin"));
        Console.WriteLine(Stats.Of(all.SelectMany(t => t.Post).ToList()).Line("  POST /signin"));
        Console.WriteLine(Stats.Of(all.SelectMany(t => t.Follow).ToList()).Line("  GET /account"));

        var serverMs = total.Count > 0 ? cpu.ServerSeconds * 1000 / total.Count : double.NaN;
        var driverMs = total.Count > 0 ? cpu.DriverSeconds * 1000 / total.Count : double.NaN;
        var machineMs = total.Count > 0 ? cpu.MachineBusyCores * cpu.WallSeconds * 1000 / total.Count : double.NaN;
        // What other processes on the machine used meanwhile (builds, tests): the share of the cores this run did not get.
        var otherCores = serverPid is null ? double.NaN
            : Math.Max(0, cpu.MachineBusyCores - (cpu.ServerSeconds + cpu.DriverSeconds) / cpu.WallSeconds);
        Console.WriteLine($"cpu: machine busy {cpu.MachineBusyCores:F2} of {cores} cores (other processes {otherCores:F2}); per login: server {(serverPid is null ? "n/a" : serverMs.ToString("F2"))} ms, " +
                          $"driver {driverMs:F2} ms, whole machine {machineMs:F2} ms");
        var ratio = double.IsNaN(hashMs) ? double.NaN : perSecond / (cores / (hashMs / 1000));
        if (!double.IsNaN(ratio))
            Console.WriteLine($"ratio logins/s / (cores / s per hash) = {perSecond:F1} / ({cores} / {hashMs / 1000:F4}) = {ratio:F3}");
        Console.WriteLine($"RESULT label={label} concurrency={concurrency} seconds={wall.Elapsed.TotalSeconds:F2} ok={total.Count} errors={errorCount} " +
                          $"logins_per_s={perSecond:F2} mean={total.Mean:F2} p50={total.P50:F2} p99={total.P99:F2} " +
                          $"server_cpu_ms={serverMs:F2} driver_cpu_ms={driverMs:F2} machine_cpu_ms={machineMs:F2} busy_cores={cpu.MachineBusyCores:F2} other_cores={otherCores:F2} ratio={ratio:F3}");
        return errorCount > 0 || total.Count == 0 ? 1 : 0;
    }

    // ---------------------------------------------------------------- anti-enumeration probe

    /// <summary>
    /// Failed sign-ins one at a time, interleaved in random order: a wrong password for a real
    /// account, and an unknown account. Both should answer alike, in the same time.
    /// </summary>
    private static async Task<int> ProbeFailuresAsync(FormClient client, List<BenchUser> users, int count, CancellationToken ct)
    {
        var parser = new HtmlParser();
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var wrongPost = new List<double>(count);
        var unknownPost = new List<double>(count);
        var wrongWhole = new List<double>(count);
        var unknownWhole = new List<double>(count);
        var statuses = new HashSet<string>();
        var messages = new HashSet<string>();
        var problems = 0;
        var address = 0;

        async Task<(double Post, double Whole)?> FailAsync(string identifier, string kind)
        {
            var jar = new CookieContainer();
            var start = Stopwatch.GetTimestamp();
            var form = await client.GetAsync("/signin", jar, ct);
            var token = FormClient.Token(form.Body);
            if (token is null) { problems++; return null; }
            var postStart = Stopwatch.GetTimestamp();
            // Each failure from its own address (the server trusts loopback as its proxy), so the
            // per-network throttle does not turn the probe into a challenge after 20 failures.
            var n = Interlocked.Increment(ref address);
            var answer = await client.PostFormAsync("/signin",
            [
                new(FormClient.TokenField, token),
                new("returnUrl", ""),
                new("Input.Identifier", identifier),
                new("Input.Password", RandomNumberGenerator.GetString(PasswordAlphabet, 20)),
            ], [new("X-Forwarded-For", $"198.18.{n / 250 % 250}.{n % 250 + 1}")], jar, ct);
            var end = Stopwatch.GetTimestamp();
            statuses.Add($"{kind} {(int)answer.Status}");
            using var document = await parser.ParseDocumentAsync(answer.Body, ct);
            var alert = document.QuerySelector("[role=alert]")?.TextContent ?? "(no alert)";
            // The reference code differs on every attempt by design; compare the rest.
            messages.Add(System.Text.RegularExpressions.Regex.Replace(string.Join(' ', alert.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
                "[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", "XXXX-XXXX"));
            if (answer.Status == HttpStatusCode.OK || answer.Location is not null) problems++;
            return (Stopwatch.GetElapsedTime(postStart, end).TotalMilliseconds, Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
        }

        // Same length for both kinds of identifier: a seeded username vs one that was never registered.
        string Unknown(int i) => $"x{run}{i:x5}";

        for (var i = 0; i < 10; i++) // warm-up, not measured
        {
            await FailAsync(users[i % users.Count].Username, "wrong-password");
            await FailAsync(Unknown(0xF0000 + i), "unknown-account");
        }
        statuses.Clear();
        messages.Clear();

        for (var i = 0; i < count; i++)
        {
            var user = users[i % users.Count];
            var wrongFirst = RandomNumberGenerator.GetInt32(2) == 0;
            for (var k = 0; k < 2; k++)
            {
                if ((k == 0) == wrongFirst)
                {
                    if (await FailAsync(user.Username, "wrong-password") is { } t) { wrongPost.Add(t.Post); wrongWhole.Add(t.Whole); }
                }
                else if (await FailAsync(Unknown(i), "unknown-account") is { } t) { unknownPost.Add(t.Post); unknownWhole.Add(t.Whole); }
            }
        }

        var wp = Stats.Of(wrongPost);
        var up = Stats.Of(unknownPost);
        Console.WriteLine();
        Console.WriteLine($"# failed sign-ins, one at a time, {count} of each kind interleaved in random order");
        Console.WriteLine(wp.Line("wrong password: POST"));
        Console.WriteLine(up.Line("unknown account: POST"));
        Console.WriteLine(Stats.Of(wrongWhole).Line("wrong password: GET+POST"));
        Console.WriteLine(Stats.Of(unknownWhole).Line("unknown account: GET+POST"));
        Console.WriteLine($"p50 difference (unknown - wrong): {up.P50 - wp.P50:F2} ms ({(up.P50 - wp.P50) / wp.P50 * 100:F1} %)");
        Console.WriteLine($"statuses seen: {string.Join(", ", statuses.Order())}");
        Console.WriteLine($"distinct alert texts (reference code masked): {messages.Count}");
        foreach (var m in messages) Console.WriteLine($"  \"{m}\"");
        Console.WriteLine($"RESULT label=probe wrong_p50={wp.P50:F2} wrong_p99={wp.P99:F2} wrong_mean={wp.Mean:F2} unknown_p50={up.P50:F2} " +
                          $"unknown_p99={up.P99:F2} unknown_mean={up.Mean:F2} statuses=\"{string.Join(",", statuses.Order())}\" messages={messages.Count} problems={problems}");
        return problems > 0 || messages.Count != 1 ? 1 : 0;
    }
}
