using System.Globalization;
using Threshold.Bench;

// Threshold.Bench: the cost of one password hash, and a load driver that signs in
// through the real forms of a running server. See bench/README.md and bench/run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage.Text);
    return 0;
}

try
{
    var options = Args.Parse(args.Skip(1));
    return args[0] switch
    {
        "hash" => HashBench.Run(options),
        "load" => await LoadDriver.RunAsync(options),
        "reset" => await ResetProbe.RunAsync(options),
        "attack" => await AttackBench.RunAsync(options),
        "history" => await HistoryBench.RunAsync(options),
        "support" => await SupportBench.RunAsync(options),
        _ => throw new ArgumentException($"Unknown mode '{args[0]}'."),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Usage.Text);
    return 2;
}
catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

internal static class Usage
{
    public const string Text = """
        usage:
          Threshold.Bench hash [--count N] [--warmup N] [--memory KiB] [--iterations T] [--threads P]
              N (default 50) HashPassword and N VerifyHashedPassword calls on one thread, after
              warm-up, with the default settings (m=19456 KiB, t=2, p=1) unless overridden; then the
              same verifications on P threads at once (default: the number of cores).
          Threshold.Bench load --url http://127.0.0.1:PORT [--users N] [--concurrency C] [--duration S]
                               [--seed] [--users-file PATH] [--probe K] [--max-logins M]
                               [--seed-concurrency C] [--server-pid PID] [--label TEXT] [--hash-ms MS]
                               [--warmup S] [--dump PATH]
              --dump writes each measured login's step times (ms) to PATH as tab-separated lines.
              Before measuring, S seconds (default 3) of unmeasured logins warm up both sides.
              --seed registers N users through /register first and writes them to the users file;
              without it the users are read from that file. C workers sign in for S seconds
              (at most M logins), each login in a fresh cookie jar: GET /signin, POST the form,
              follow the redirect to /account and check it names the user. Then K failed sign-ins
              with a wrong password for a real account and K for an unknown account, interleaved
              (0 skips). Only loopback URLs are accepted.
          Threshold.Bench reset --url http://127.0.0.1:PORT --users-file PATH [--count N] [--by email|username|both]
              Forgot password, known vs unknown: N seeded users' identifiers (each used once: the server
              allows one request per identifier a minute) interleaved in random order with N never-registered
              emails, one at a time, each in a fresh cookie jar: GET /recover/password, POST Input.Identifier.
              Each POST carries its own X-Forwarded-For address (198.18.x.y), which the server trusts from
              loopback, so the per-network limit on /recover/* (10 POSTs per 15 min) does not trip.
          Threshold.Bench attack --url http://127.0.0.1:PORT --users-file PATH [--legit N] [--legit-concurrency C]
                                 [--rate R] [--duration S] [--attack-addresses A] [--max-in-flight M] [--warmup W] [--label TEXT]
              Issue 6: N seeded users (default 20) first sign in once each (a known device), then for S seconds
              (default 60) they sign in again from it on C workers (default 2) while an attacker sends R POSTs/s
              (default 200, open loop): half on the first user's email, half on random seeded usernames and
              unknown emails, each from one of A addresses (X-Forwarded-For; the server must trust loopback
              through Network:TrustedProxies), never answering the proof-of-work check. Reports what the
              attack requests met and the legitimate success rate (whole run) and latency (after W s, default 10).
          Threshold.Bench history [--events N] [--runs R] [--mmdb PATH] [--lookups L]
              Issue 7: one account with N security events (default 10,000) in a fresh SQLite file; R times
              (default 200) each, the first and the last page of its login history. With --mmdb, L lookups
              (default 1,000,000) of random public IPv4 addresses in that location database.
          Threshold.Bench support [--accounts N] [--runs R] [--timeline-events E] [--open-requests O] [--closed-requests C]
              Issue 8: a fresh SQLite file with N accounts (default 10,000; verified emails, a third with a confirmed
              phone, a fifth with a verified recovery email, 3 security events each), one account with E events
              (default 1,000), O open (default 1,000) and C closed (default 1,000) support requests. Then R times
              (default 200) each, through the real Core services and EF stores: CustomerSearch by email, recovery
              email, username, national phone number, event code, request number and two misses; the open and
              closed queue's first page; the long timeline's first and last page; and, for comparison, the account
              lookup by phone that "Can't sign in?" and forgot password use. Prints SQLite's plan per query.
        """;
}

internal sealed class Args
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static Args Parse(IEnumerable<string> args)
    {
        var result = new Args();
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) result._values[pending] = null;
                var eq = arg.IndexOf('=');
                if (eq > 0) { result._values[arg[2..eq]] = arg[(eq + 1)..]; pending = null; }
                else pending = arg[2..];
            }
            else if (pending is not null)
            {
                result._values[pending] = arg;
                pending = null;
            }
            else throw new ArgumentException($"Unexpected argument '{arg}'.");
        }
        if (pending is not null) result._values[pending] = null;
        return result;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ArgumentException($"--{name} must be a whole number from {min} to {max}.");
        return n;
    }

    public double Double(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d <= 0)
            throw new ArgumentException($"--{name} must be a positive number.");
        return d;
    }
}
