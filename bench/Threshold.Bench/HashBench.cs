using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Passwords;

namespace Threshold.Bench;

/// <summary>The cost of one Argon2id hash alone, through the server's own hasher class.</summary>
internal static class HashBench
{
    public static int Run(Args args)
    {
        var count = args.Int("count", 50, 1, 100_000);
        var warmup = args.Int("warmup", 5, 0, 1_000);
        var defaults = new Argon2Settings();
        var settings = new PasswordSettings
        {
            Argon2 = new Argon2Settings
            {
                MemoryKiB = args.Int("memory", defaults.MemoryKiB, 8, 1024 * 1024),
                Iterations = args.Int("iterations", defaults.Iterations, 1, 16),
                Parallelism = 1,
            },
        };
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var hasher = new Argon2idPasswordHasher(Options.Create(settings));
        var account = new Account();
        const string password = "correct horse battery staple";

        var stored = hasher.HashPassword(account, password);
        for (var i = 0; i < warmup; i++)
        {
            stored = hasher.HashPassword(account, password);
            Check(hasher.VerifyHashedPassword(account, stored, password));
        }

        var hashTimes = new List<double>(count);
        var verifyTimes = new List<double>(count);
        var verifyCpu = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            stored = hasher.HashPassword(account, password);
            hashTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            var cpuStart = ThreadCpu.Milliseconds();
            start = Stopwatch.GetTimestamp();
            var result = hasher.VerifyHashedPassword(account, stored, password);
            verifyTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            verifyCpu.Add(ThreadCpu.Milliseconds() - cpuStart);
            Check(result);
        }

        var hash = Stats.Of(hashTimes);
        var verify = Stats.Of(verifyTimes);
        Console.WriteLine($"# hash: Argon2idPasswordHasher, m={settings.Argon2.MemoryKiB} KiB t={settings.Argon2.Iterations} p=1, one thread, {count} calls each after {warmup} warm-up");
        Console.WriteLine($"# stored form: {stored[..stored.IndexOf('$', 16)]}$…");
        Console.WriteLine(hash.Line("HashPassword"));
        Console.WriteLine(verify.Line("VerifyHashedPassword"));
        var cpu = Stats.Of(verifyCpu);
        Console.WriteLine(cpu.Line("  of which thread CPU time"));
        if (cpu.Mean < 0.9 * verify.Mean)
            Console.WriteLine($"note: the thread ran only {cpu.Mean / verify.Mean:P0} of the wall time: other processes competed for the cores (see uptime).");
        var perCore = 1000 / verify.Mean;
        Console.WriteLine($"hashes/s per core (1000 / mean verify ms): {perCore:F1}");
        Console.WriteLine($"cores (nproc): {Environment.ProcessorCount}; ideal sign-ins/s if only hashing: {perCore * Environment.ProcessorCount:F1}");

        // The same verifications on every core at once: memory-hard hashing can share less well
        // than the single-thread figure suggests (caches, memory bandwidth, SMT siblings).
        var perThread = Math.Max(count / 2, 10);
        var all = new List<double>[threads];
        var barrier = new Barrier(threads);
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var local = new List<double>(perThread);
            barrier.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Check(hasher.VerifyHashedPassword(account, stored, password));
                local.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            all[t] = local;
        })).ToList();
        wall.Restart();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        wall.Stop();
        var parallel = Stats.Of(all.SelectMany(x => x).ToList());
        Console.WriteLine(parallel.Line($"Verify on {threads} threads"));
        Console.WriteLine($"verifications/s on {threads} threads: {threads * perThread / wall.Elapsed.TotalSeconds:F1}");
        Console.WriteLine($"RESULT label={args.String("label") ?? "hash"} hash_ms={hash.Mean:F3} hash_p50={hash.P50:F3} hash_p99={hash.P99:F3} verify_ms={verify.Mean:F3} verify_p50={verify.P50:F3} verify_p99={verify.P99:F3} verify_cpu_ms={cpu.Mean:F3} per_core={perCore:F2} parallel_per_s={threads * perThread / wall.Elapsed.TotalSeconds:F2} threads={threads}");
        return 0;
    }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), so competing processes do not count.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec { public long Seconds; public long Nanoseconds; }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static double Milliseconds() =>
            OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0
                ? t.Seconds * 1000.0 + t.Nanoseconds / 1e6
                : double.NaN;
    }

    private static void Check(PasswordVerificationResult result)
    {
        if (result != PasswordVerificationResult.Success)
            throw new InvalidOperationException($"Verification of a fresh hash answered {result}.");
    }
}
