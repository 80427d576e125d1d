namespace Threshold.Core.Factors;

/// <summary>
/// Wrong second-factor answers are counted on their own, apart from password failures
/// (so a typo in a code never counts against the password, and the reverse). After
/// <see cref="TwoFactorOptions.FailuresBeforeSlowdown"/> in a row each further try waits,
/// doubling up to a cap; a right answer clears the count.
/// </summary>
public static class SecondFactorThrottle
{
    public static TimeSpan? WaitBeforeNextTry(int failuresInARow, DateTimeOffset? lastFailureAt, DateTimeOffset now, TwoFactorOptions options)
    {
        if (failuresInARow < options.FailuresBeforeSlowdown || lastFailureAt is null) return null;
        var doublings = Math.Min(failuresInARow - options.FailuresBeforeSlowdown, 20);
        var delay = TimeSpan.FromTicks(Math.Min(options.FirstSlowdown.Ticks << doublings, options.MaxSlowdown.Ticks));
        var wait = lastFailureAt.Value + delay - now;
        return wait > TimeSpan.Zero ? wait : null;
    }
}
