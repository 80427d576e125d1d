using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Threshold.Bench;

/// <summary>
/// Forgot password, known vs unknown (issue 4): the page should answer the same way, doing the
/// same work, whether or not an account matches. N seeded identifiers, each used once (the server
/// allows one request per identifier a minute, five an hour), interleaved in random order with N
/// never-registered emails of the same length, one request at a time.
/// </summary>
internal static class ResetProbe
{
    private const string Path = "/recover/password";

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.String("url") ?? throw new ArgumentException("--url is required.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new ArgumentException("--url must be an absolute http(s) URL.");
        if (!LoadDriver.IsLoopback(baseUri))
            throw new ArgumentException("--url must point at this machine (127.0.0.1, ::1 or localhost).");
        var usersFile = args.String("users-file") ?? throw new ArgumentException("--users-file is required (seed with `load --seed`).");
        if (!File.Exists(usersFile)) throw new ArgumentException($"No users file at {usersFile}.");
        var by = args.String("by") ?? "email";
        if (by is not ("email" or "username" or "both")) throw new ArgumentException("--by must be email, username or both.");
        var users = File.ReadLines(usersFile).Select(l => l.Split('\t')).Where(p => p.Length == 3)
            .Select(p => new BenchUser(p[0], p[1], p[2])).ToList();
        var warm = args.Int("warmup", 5, 0, 100);
        var count = args.Int("count", Math.Min(200, users.Count - warm), 1, 10_000);
        if (users.Count < count + warm)
            throw new ArgumentException($"{count} known identifiers plus {warm} for warm-up need that many seeded users; the file has {users.Count}.");

        using var client = new FormClient(baseUri, 1);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = stop.Token;
        var parser = new HtmlParser();
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var address = 0;
        var problems = new List<string>();

        // Seeded emails are b{6 hex}{5 hex}@bench.example.com; unknown ones have the same shape and length.
        string Unknown(int i) => $"x{run}{i:x5}@bench.example.com";
        string Known(int i) => by switch
        {
            "username" => users[i].Username,
            "both" => i % 2 == 0 ? users[i].Email : users[i].Username,
            _ => users[i].Email,
        };

        async Task<(double Post, double Whole, int Status, string Outcome)> AskAsync(string identifier)
        {
            var jar = new CookieContainer();
            var start = Stopwatch.GetTimestamp();
            var form = await client.GetAsync(Path, jar, ct);
            if (form.Status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {Path} answered {(int)form.Status}.");
            var token = FormClient.Token(form.Body) ?? throw new InvalidOperationException($"no antiforgery token on {Path}");
            // A distinct client address per POST (TEST-NET-ish benchmarking range 198.18.0.0/15), so each
            // POST is its own "network" for the per-network recovery limit.
            var n = Interlocked.Increment(ref address);
            var xff = $"198.18.{n / 250 % 250}.{n % 250 + 1}";
            var postStart = Stopwatch.GetTimestamp();
            var answer = await client.PostFormAsync(Path,
                [new(FormClient.TokenField, token), new("Input.Identifier", identifier)],
                [new("X-Forwarded-For", xff)], jar, ct);
            var end = Stopwatch.GetTimestamp();
            using var document = await parser.ParseDocumentAsync(answer.Body, ct);
            var h1 = document.QuerySelector("h1")?.TextContent.Trim() ?? "(no h1)";
            var status = document.QuerySelector("[role=status]")?.TextContent ?? "";
            var alert = document.QuerySelector("[role=alert]")?.TextContent ?? "";
            var outcome = Regex.Replace(string.Join(' ', $"{h1} | {status} | {alert}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
                "[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", "XXXX-XXXX");
            return (Stopwatch.GetElapsedTime(postStart, end).TotalMilliseconds, Stopwatch.GetElapsedTime(start, end).TotalMilliseconds, (int)answer.Status, outcome);
        }

        // Warm-up, not measured: the last `warm` seeded users and unknown identifiers from a separate range.
        for (var i = 0; i < warm; i++)
        {
            await AskAsync(Known(users.Count - 1 - i));
            await AskAsync(Unknown(0xF0000 + i));
        }

        var groups = new Dictionary<string, (List<double> Post, List<double> Whole, Dictionary<int, int> Statuses, Dictionary<string, int> Outcomes)>
        {
            ["known"] = ([], [], [], []),
            ["unknown"] = ([], [], [], []),
        };
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var knownFirst = RandomNumberGenerator.GetInt32(2) == 0;
            for (var k = 0; k < 2; k++)
            {
                var kind = (k == 0) == knownFirst ? "known" : "unknown";
                var t = await AskAsync(kind == "known" ? Known(i) : Unknown(i));
                var g = groups[kind];
                g.Post.Add(t.Post);
                g.Whole.Add(t.Whole);
                g.Statuses[t.Status] = g.Statuses.GetValueOrDefault(t.Status) + 1;
                g.Outcomes[t.Outcome] = g.Outcomes.GetValueOrDefault(t.Outcome) + 1;
            }
        }
        clock.Stop();

        var kp = Stats.Of(groups["known"].Post);
        var up = Stats.Of(groups["unknown"].Post);
        Console.WriteLine();
        Console.WriteLine($"# forgot password, {count} known ({by}) and {count} unknown identifiers interleaved, one at a time, " +
                          $"{clock.Elapsed.TotalSeconds:F1} s, {address} distinct X-Forwarded-For addresses");
        Console.WriteLine(kp.Line("known: POST"));
        Console.WriteLine(up.Line("unknown: POST"));
        Console.WriteLine(Stats.Of(groups["known"].Whole).Line("known: GET+POST"));
        Console.WriteLine(Stats.Of(groups["unknown"].Whole).Line("unknown: GET+POST"));
        Console.WriteLine($"p50 difference (unknown - known): {up.P50 - kp.P50:F2} ms ({(up.P50 - kp.P50) / kp.P50 * 100:F1} %); " +
                          $"p99 difference: {up.P99 - kp.P99:F2} ms");
        foreach (var (kind, g) in groups)
        {
            Console.WriteLine($"{kind} statuses: {string.Join(", ", g.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
            foreach (var (text, n) in g.Outcomes) Console.WriteLine($"  {kind} page x{n}: \"{text}\"");
        }
        var allOutcomes = groups.Values.SelectMany(g => g.Outcomes.Keys).Distinct().Count();
        Console.WriteLine($"distinct answer texts across both groups (reference code masked): {allOutcomes}");
        string Codes(Dictionary<int, int> s) => string.Join(",", s.OrderBy(x => x.Key).Select(x => $"{x.Key}:{x.Value}"));
        Console.WriteLine($"RESULT label=reset by={by} count={count} known_p50={kp.P50:F2} known_p99={kp.P99:F2} known_mean={kp.Mean:F2} " +
                          $"unknown_p50={up.P50:F2} unknown_p99={up.P99:F2} unknown_mean={up.Mean:F2} " +
                          $"known_statuses={Codes(groups["known"].Statuses)} unknown_statuses={Codes(groups["unknown"].Statuses)} texts={allOutcomes}");
        var allOk = groups.Values.All(g => g.Statuses.Keys.All(s => s == 200));
        return allOk && allOutcomes == 1 ? 0 : 1;
    }
}
