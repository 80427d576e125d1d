using Threshold.Core.Factors;

namespace Threshold.Core.Tests;

public class SecondFactorThrottleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly TwoFactorOptions Options = new();

    private static TimeSpan? Wait(int failures, TimeSpan sinceLastFailure) =>
        SecondFactorThrottle.WaitBeforeNextTry(failures, At, At + sinceLastFailure, Options);

    [Fact]
    public void Defaults_are_five_failures_30_seconds_and_15_minutes()
    {
        Assert.Equal(5, Options.FailuresBeforeSlowdown);
        Assert.Equal(TimeSpan.FromSeconds(30), Options.FirstSlowdown);
        Assert.Equal(TimeSpan.FromMinutes(15), Options.MaxSlowdown);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void No_wait_before_the_fifth_failure(int failures)
    {
        Assert.Null(Wait(failures, TimeSpan.Zero));
    }

    [Fact]
    public void Thirty_seconds_after_the_fifth_failure()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Wait(5, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(1), Wait(5, TimeSpan.FromSeconds(29)));
    }

    [Theory]
    [InlineData(6, 60)]
    [InlineData(7, 120)]
    [InlineData(8, 240)]
    [InlineData(9, 480)]
    public void The_wait_doubles_with_each_further_failure(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Wait(failures, TimeSpan.Zero));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(25)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void The_wait_is_capped_at_15_minutes(int failures)
    {
        Assert.Equal(TimeSpan.FromMinutes(15), Wait(failures, TimeSpan.Zero));
    }

    [Theory]
    [InlineData(5, 30)]
    [InlineData(6, 60)]
    [InlineData(50, 900)]
    public void No_wait_once_it_has_passed(int failures, int seconds)
    {
        Assert.NotNull(Wait(failures, TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1)));
        Assert.Null(Wait(failures, TimeSpan.FromSeconds(seconds)));
        Assert.Null(Wait(failures, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void No_wait_without_a_last_failure_time()
    {
        Assert.Null(SecondFactorThrottle.WaitBeforeNextTry(10, null, At, Options));
    }
}
