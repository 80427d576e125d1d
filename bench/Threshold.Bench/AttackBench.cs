using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Threshold.Bench;

/// <summary>
/// Issue 6: an attacker hammers one account and stuffs credentials into many (from many
/// addresses, given through X-Forwarded-For to a server that trusts loopback as its proxy)
/// while legitimate users sign in from their known devices (a device cookie from an earlier
/// sign-in). The attacker never answers the proof-of-work check. Reports the legitimate success
/// rate and latency, and what the attack requests met.
/// </summary>
internal static class AttackBench
{
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const string DeviceCookie = "Threshold.Device";

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.String("url") ?? throw new ArgumentException("--url is required.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || !LoadDriver.IsLoopback(baseUri))
            throw new ArgumentException("--url must be an http URL on this machine.");
        var usersFile = args.String("users-file") ?? throw new ArgumentException("--users-file is required (seed with `load --seed`).");
        var users = File.ReadLines(usersFile).Select(l => l.Split('\t')).Where(p => p.Length == 3).Select(p => new BenchUser(p[0], p[1], p[2])).ToList();
        var legitCount = args.Int("legit", 20, 1, 1000);
        var legitConcurrency = args.Int("legit-concurrency", 2, 1, 64);
        // People do not sign in back to back: without a pause the legitimate loop alone exceeds
        // the per-device sign-in limit (30 a minute) on an idle machine and measures that limit.
        var legitPause = TimeSpan.FromMilliseconds(args.Int("legit-pause-ms", 500, 0, 60_000));
        var rate = args.Int("rate", 200, 1, 5000);
        var duration = args.Int("duration", 60, 1, 600);
        var addresses = args.Int("attack-addresses", 64, 1, 60_000);
        var maxInFlight = args.Int("max-in-flight", 512, 1, 10_000);
        var label = args.String("label") ?? "attack";
        var warmup = args.Int("warmup", 10, 0, 300);
        if (users.Count < legitCount + 10) throw new ArgumentException($"The users file needs at least {legitCount + 10} users.");

        using var client = new FormClient(baseUri, legitConcurrency + maxInFlight);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(duration + 600));
        var ct = stop.Token;
        var legit = users.Take(legitCount).ToList();
        var victim = legit[0];

        // 1. Each legitimate user signs in once from its own address: that browser is now a known device.
        var devices = new Dictionary<string, string>();
        for (var i = 0; i < legit.Count; i++)
        {
            var jar = new CookieContainer();
            var error = await LoginAsync(client, legit[i], jar, LegitAddress(i), ct);
            if (error is not null) throw new InvalidOperationException($"setup sign-in of {legit[i].Username} failed: {error}");
            devices[legit[i].Username] = jar.GetCookies(baseUri)[DeviceCookie]?.Value
                ?? throw new InvalidOperationException("no device cookie after a successful sign-in");
        }
        Console.WriteLine($"{legit.Count} legitimate users have a known device; victim of the one-account attack: {victim.Username}");

        // 2. Attack (open loop at `rate` POSTs/s) and legitimate sign-ins (closed loop) at the same time.
        var outcomes = new ConcurrentDictionary<string, int>();
        var attackLatency = new ConcurrentBag<double>();
        var legitLatency = new ConcurrentBag<double>();
        var legitErrors = new ConcurrentBag<string>();
        var legitOk = 0;
        var legitTotal = 0;
        var sent = 0;
        var dropped = 0;
        var inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        var forms = new ConcurrentQueue<(CookieContainer Jar, string Token)>();
        var watch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(duration);

        async Task<(CookieContainer, string)> FormAsync()
        {
            if (forms.TryDequeue(out var f)) return f;
            var jar = new CookieContainer();
            var page = await client.GetAsync("/signin", jar, ct);
            return (jar, FormClient.Token(page.Body) ?? throw new InvalidOperationException("no antiforgery token"));
        }

        async Task AttackOnceAsync(int n)
        {
            try
            {
                var (jar, token) = await FormAsync();
                var oneAccount = n % 2 == 0;
                string identifier;
                if (oneAccount) identifier = victim.Email;
                else if (n % 4 == 1) identifier = users[RandomNumberGenerator.GetInt32(users.Count)].Username;
                else identifier = $"stuffed{RandomNumberGenerator.GetInt32(1_000_000):x}@leak.example.org";
                var address = oneAccount
                    ? $"198.18.{n / 2 % addresses / 250}.{n / 2 % addresses % 250 + 1}"
                    : $"198.19.{n / 2 % addresses / 250}.{n / 2 % addresses % 250 + 1}";
                var start = Stopwatch.GetTimestamp();
                var answer = await client.PostFormAsync("/signin",
                    [new(FormClient.TokenField, token), new("returnUrl", ""), new("Input.Identifier", identifier),
                     new("Input.Password", RandomNumberGenerator.GetString(PasswordAlphabet, 16))],
                    [new("X-Forwarded-For", address)], jar, ct);
                attackLatency.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                var kind = answer.Status switch
                {
                    HttpStatusCode.Found or HttpStatusCode.SeeOther => "signed_in",
                    HttpStatusCode.TooManyRequests => "refused_429",
                    HttpStatusCode.Unauthorized when answer.Body.Contains("is not right", StringComparison.Ordinal) => "password_checked",
                    HttpStatusCode.Unauthorized when answer.Body.Contains("short check", StringComparison.Ordinal) => "challenged",
                    _ => "other_" + (int)answer.Status,
                };
                outcomes.AddOrUpdate((oneAccount ? "one_account." : "many_accounts.") + kind, 1, (_, c) => c + 1);
                forms.Enqueue((jar, token));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                outcomes.AddOrUpdate("error", 1, (_, c) => c + 1);
            }
            finally { inFlight.Release(); }
        }

        var attacker = Task.Run(async () =>
        {
            var n = 0;
            var pending = new List<Task>();
            while (watch.Elapsed < end)
            {
                var due = (long)(watch.Elapsed.TotalSeconds * rate);
                while (n < due)
                {
                    if (!inFlight.Wait(0)) { Interlocked.Increment(ref dropped); n++; continue; }
                    pending.Add(AttackOnceAsync(n++));
                    Interlocked.Increment(ref sent);
                }
                pending.RemoveAll(t => t.IsCompleted);
                await Task.Delay(2, ct);
            }
            await Task.WhenAll(pending);
        }, ct);

        var legitWorkers = Enumerable.Range(0, legitConcurrency).Select(w => Task.Run(async () =>
        {
            while (watch.Elapsed < end)
            {
                var i = RandomNumberGenerator.GetInt32(legit.Count);
                var user = legit[i];
                var jar = new CookieContainer();
                jar.Add(baseUri, new Cookie(DeviceCookie, devices[user.Username]));
                var start = Stopwatch.GetTimestamp();
                string? error;
                try { error = await LoginAsync(client, user, jar, LegitAddress(i), ct); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { error = e.Message; }
                // Latency counts after the warm-up (the server's JIT, the attack ramping up); success counts throughout.
                if (watch.Elapsed.TotalSeconds >= warmup) legitLatency.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref legitTotal);
                if (error is null) Interlocked.Increment(ref legitOk);
                else legitErrors.Add($"{user.Username}: {error}");
                await Task.Delay(legitPause, ct);
            }
        }, ct)).ToList();

        await Task.WhenAll(legitWorkers.Append(attacker));
        var elapsed = watch.Elapsed.TotalSeconds;

        var l = Stats.Of(legitLatency.ToArray());
        var a = Stats.Of(attackLatency.ToArray());
        Console.WriteLine($"attack: {sent} POSTs sent in {elapsed:F1} s ({sent / elapsed:F1}/s; {dropped} not sent because {maxInFlight} were in flight)");
        foreach (var (kind, count) in outcomes.OrderBy(o => o.Key)) Console.WriteLine($"  {kind,-36} {count,7}");
        Console.WriteLine(a.Line("attack POST"));
        Console.WriteLine($"legitimate sign-ins (known devices): {legitOk} of {legitTotal} succeeded");
        Console.WriteLine(l.Line($"legit login after {warmup}s"));
        foreach (var e in legitErrors.Take(10)) Console.WriteLine("  error " + e);
        var checkedCount = outcomes.Where(o => o.Key.EndsWith("password_checked", StringComparison.Ordinal)).Sum(o => o.Value);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT label={label} attack_sent={sent} attack_per_s={sent / elapsed:F1} dropped={dropped} password_checked={checkedCount} " +
            $"challenged={outcomes.Where(o => o.Key.EndsWith("challenged", StringComparison.Ordinal)).Sum(o => o.Value)} " +
            $"refused={outcomes.Where(o => o.Key.EndsWith("refused_429", StringComparison.Ordinal)).Sum(o => o.Value)} " +
            $"signed_in={outcomes.Where(o => o.Key.EndsWith("signed_in", StringComparison.Ordinal)).Sum(o => o.Value)} " +
            $"legit_ok={legitOk} legit_total={legitTotal} legit_success_pct={(legitTotal == 0 ? 0 : 100.0 * legitOk / legitTotal):F2} " +
            $"legit_p50={l.P50:F1} legit_p99={l.P99:F1} legit_max={l.Max:F1} attack_p50={a.P50:F1} attack_p99={a.P99:F1}"));
        return legitErrors.IsEmpty ? 0 : 1;
    }

    private static string LegitAddress(int i) => $"10.77.{i / 250}.{i % 250 + 1}";

    /// <summary>GET /signin, POST the form, follow to /account and check it names the user.</summary>
    private static async Task<string?> LoginAsync(FormClient client, BenchUser user, CookieContainer jar, string address, CancellationToken ct)
    {
        var headers = new KeyValuePair<string, string>[] { new("X-Forwarded-For", address) };
        var form = await client.GetAsync("/signin", jar, ct);
        if (form.Status != HttpStatusCode.OK) return $"GET /signin {(int)form.Status}";
        var token = FormClient.Token(form.Body) ?? "";
        var answer = await client.PostFormAsync("/signin",
            [new(FormClient.TokenField, token), new("returnUrl", ""), new("Input.Identifier", user.Username), new("Input.Password", user.Password)],
            headers, jar, ct);
        if (answer.Status is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther) || answer.Location?.AbsolutePath != "/account")
            return $"POST /signin {(int)answer.Status}";
        var landing = await client.GetAsync(answer.Location.ToString(), jar, ct);
        return landing.Status == HttpStatusCode.OK && landing.Body.Contains(user.Username, StringComparison.Ordinal) ? null : $"GET /account {(int)landing.Status}";
    }
}
