namespace Threshold.Core.Defense;

public enum ThrottleLevel { None, Challenge, Paused, Stopped }

/// <summary>What a count of consecutive failures means now.</summary>
/// <param name="Until">For <see cref="ThrottleLevel.Paused"/>: when attempts are accepted again.</param>
/// <param name="HighRisk">The challenge (if any) is the harder one: the count is past the pause threshold.</param>
public readonly record struct ThrottleState(ThrottleLevel Level, DateTimeOffset? Until = null, bool HighRisk = false)
{
    public static readonly ThrottleState Open = new(ThrottleLevel.None);

    /// <summary>The stricter of two states.</summary>
    public ThrottleState Max(ThrottleState other) =>
        other.Level > Level ? other
        : other.Level < Level ? this
        : Level == ThrottleLevel.Paused ? (other.Until > Until ? other : this)
        : this with { HighRisk = HighRisk || other.HighRisk };
}

/// <summary>The thresholds of one kind of counter, and the rule that turns a count into a state.</summary>
public sealed record ThrottleRule(int ChallengeAfter, int PauseAfter, TimeSpan FirstPause, TimeSpan MaxPause, int? StopAfter, TimeSpan ForgetAfter)
{
    public static ThrottleRule ForIdentifier(ThrottleOptions o) =>
        new(o.ChallengeAfter, o.PauseAfter, o.FirstPause, o.MaxPause, o.MaxConsecutiveFailures, o.ForgetAfter);

    public static ThrottleRule ForNetwork(ThrottleOptions o) =>
        new(o.NetworkChallengeAfter, o.NetworkPauseAfter, o.FirstPause, o.MaxPause, null, o.NetworkForgetAfter);

    /// <summary>
    /// The failures that still count: none when the counter is missing, when its last failure
    /// is older than <see cref="ForgetAfter"/> (unless it reached the stop), or when it is
    /// before <paramref name="clearedAt"/> (a password change).
    /// </summary>
    public int Effective(ThrottleCounter? counter, DateTimeOffset now, DateTimeOffset? clearedAt = null) =>
        counter is null || counter.LastFailureAt < RestartBefore(counter, now, clearedAt) ? 0 : counter.Failures;

    /// <summary>A failure recorded now restarts the count when the previous one was before this.</summary>
    public DateTimeOffset RestartBefore(ThrottleCounter? counter, DateTimeOffset now, DateTimeOffset? clearedAt = null)
    {
        var stopped = StopAfter is { } stop && counter is not null && counter.Failures >= stop;
        var forget = stopped ? DateTimeOffset.MinValue : now - ForgetAfter;
        return clearedAt is { } cleared && cleared > forget ? cleared : forget;
    }

    public ThrottleState Evaluate(ThrottleCounter? counter, DateTimeOffset now, DateTimeOffset? clearedAt = null)
    {
        var failures = Effective(counter, now, clearedAt);
        if (StopAfter is { } stop && failures >= stop) return new(ThrottleLevel.Stopped, HighRisk: true);
        if (failures >= PauseAfter)
        {
            var until = counter!.LastFailureAt + Pause(failures);
            return until > now ? new(ThrottleLevel.Paused, until, HighRisk: true) : new(ThrottleLevel.Challenge, HighRisk: true);
        }
        return failures >= ChallengeAfter ? new(ThrottleLevel.Challenge) : ThrottleState.Open;
    }

    /// <summary>The pause after the <paramref name="failures"/>th failure: FirstPause at PauseAfter, doubling, at most MaxPause.</summary>
    public TimeSpan Pause(int failures)
    {
        var doublings = Math.Min(failures - PauseAfter, 30);
        var pause = FirstPause * Math.Pow(2, doublings);
        return pause < MaxPause ? pause : MaxPause;
    }
}
