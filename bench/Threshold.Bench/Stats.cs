namespace Threshold.Bench;

/// <summary>Summary statistics of a set of durations in milliseconds (nearest-rank percentiles).</summary>
internal sealed record Stats(int Count, double Mean, double P50, double P90, double P99, double Min, double Max)
{
    public double P95 { get; private init; } = double.NaN;

    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = samples.Order().ToArray();
        return new(sorted.Length, sorted.Average(), Rank(sorted, 50), Rank(sorted, 90), Rank(sorted, 99), sorted[0], sorted[^1]) { P95 = Rank(sorted, 95) };
    }

    private static double Rank(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string Line(string name) =>
        $"{name,-28} n={Count,6}  mean={Mean,8:F2}  p50={P50,8:F2}  p90={P90,8:F2}  p99={P99,8:F2}  min={Min,8:F2}  max={Max,8:F2} ms";
}

/// <summary>CPU time read from /proc: the whole machine, one process, this process.</summary>
internal readonly record struct CpuSnapshot(long MachineBusyTicks, long MachineTotalTicks, long ServerTicks, TimeSpan Self, long Stamp)
{
    private const double TicksPerSecond = 100; // USER_HZ; getconf CLK_TCK on Linux

    public static CpuSnapshot Take(int? serverPid)
    {
        long busy = 0, total = 0, server = 0;
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(long.Parse).ToArray();
            total = cpu.Take(8).Sum();
            busy = total - cpu[3] - cpu[4]; // minus idle and iowait
        }
        catch (IOException) { }
        if (serverPid is { } pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                server = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime
            }
            catch (IOException) { }
        }
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new(busy, total, server, self.TotalProcessorTime, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>CPU use between two snapshots.</summary>
    public static CpuUse Between(CpuSnapshot a, CpuSnapshot b, int cores)
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(a.Stamp, b.Stamp).TotalSeconds;
        var totalTicks = b.MachineTotalTicks - a.MachineTotalTicks;
        var machineBusy = totalTicks > 0 ? (double)(b.MachineBusyTicks - a.MachineBusyTicks) / totalTicks * cores : double.NaN;
        return new CpuUse(
            wall,
            machineBusy,
            (b.ServerTicks - a.ServerTicks) / TicksPerSecond,
            (b.Self - a.Self).TotalSeconds);
    }
}

/// <param name="MachineBusyCores">Average number of busy cores on the whole machine.</param>
/// <param name="ServerSeconds">CPU seconds used by the server process.</param>
/// <param name="DriverSeconds">CPU seconds used by this process.</param>
internal readonly record struct CpuUse(double WallSeconds, double MachineBusyCores, double ServerSeconds, double DriverSeconds);
