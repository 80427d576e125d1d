using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Defense;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>Thresholds, doubling, reset and forgetting of the failure counters, with a fake clock.</summary>
public class ThrottleRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryThrottleStore _store = new();
    private readonly ThrottleRule _rule = ThrottleRule.ForIdentifier(new ThrottleOptions());
    private const string Key = "i:test";

    /// <summary>Records one failure now, as ProtectedSignIn does, and returns the state that follows.</summary>
    private async Task<ThrottleState> FailAsync(DateTimeOffset? clearedAt = null)
    {
        var now = _clock.GetUtcNow();
        var before = (await _store.GetAsync([Key], Ct)).GetValueOrDefault(Key);
        var after = await _store.RecordFailureAsync(Key, now, _rule.RestartBefore(before, now, clearedAt), Ct);
        return _rule.Evaluate(after, now, clearedAt);
    }

    private async Task<ThrottleState> StateAsync(DateTimeOffset? clearedAt = null) =>
        _rule.Evaluate((await _store.GetAsync([Key], Ct)).GetValueOrDefault(Key), _clock.GetUtcNow(), clearedAt);

    [Fact]
    public void Defaults_are_challenge_after_5_pause_after_10_for_1_minute_up_to_1_hour_and_stop_at_100()
    {
        var o = new ThrottleOptions();
        Assert.Equal((5, 10, 100), (o.ChallengeAfter, o.PauseAfter, o.MaxConsecutiveFailures));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), (o.FirstPause, o.MaxPause));
        Assert.True(o.IsValid());
        Assert.False(new ThrottleOptions { MaxConsecutiveFailures = 101 }.IsValid());
    }

    [Fact]
    public async Task Four_failures_leave_it_open_the_fifth_asks_for_a_challenge()
    {
        for (var i = 1; i <= 4; i++) Assert.Equal(ThrottleLevel.None, (await FailAsync()).Level);
        var fifth = await FailAsync();
        Assert.Equal(ThrottleLevel.Challenge, fifth.Level);
        Assert.False(fifth.HighRisk);
    }

    [Fact]
    public async Task The_tenth_failure_pauses_for_1_minute_then_a_harder_challenge()
    {
        for (var i = 1; i <= 9; i++) Assert.NotEqual(ThrottleLevel.Paused, (await FailAsync()).Level);
        var tenth = await FailAsync();
        Assert.Equal(ThrottleLevel.Paused, tenth.Level);
        Assert.Equal(Start + TimeSpan.FromMinutes(1), tenth.Until);

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(ThrottleLevel.Paused, (await StateAsync()).Level);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = await StateAsync();
        Assert.Equal(ThrottleLevel.Challenge, after.Level);
        Assert.True(after.HighRisk);
    }

    [Fact]
    public async Task Each_further_failure_doubles_the_pause_up_to_1_hour()
    {
        for (var i = 1; i <= 9; i++) await FailAsync();
        var pauses = new List<TimeSpan>();
        for (var i = 10; i <= 18; i++)
        {
            var state = await FailAsync();
            var pause = state.Until!.Value - _clock.GetUtcNow();
            pauses.Add(pause);
            _clock.Advance(pause);
        }
        Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 60, 60, 60 }.Select(m => TimeSpan.FromMinutes(m)), pauses);
    }

    [Fact]
    public async Task At_100_consecutive_failures_it_stops_and_stays_stopped_however_long_one_waits()
    {
        for (var i = 1; i < 100; i++)
        {
            var state = await FailAsync();
            Assert.NotEqual(ThrottleLevel.Stopped, state.Level);
            _clock.Advance(TimeSpan.FromHours(1));
        }
        Assert.Equal(ThrottleLevel.Stopped, (await FailAsync()).Level);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(ThrottleLevel.Stopped, (await StateAsync()).Level);
    }

    [Fact]
    public async Task A_success_resets_the_count()
    {
        for (var i = 1; i <= 10; i++) await FailAsync();
        await _store.ResetAsync([Key], Ct);
        Assert.Equal(ThrottleLevel.None, (await StateAsync()).Level);
        Assert.Equal(ThrottleLevel.None, (await FailAsync()).Level);
    }

    [Fact]
    public async Task A_password_change_after_the_last_failure_clears_the_count()
    {
        for (var i = 1; i <= 10; i++) await FailAsync();
        _clock.Advance(TimeSpan.FromSeconds(5));
        var changed = _clock.GetUtcNow();
        Assert.Equal(ThrottleLevel.None, (await StateAsync(changed)).Level);
        Assert.Equal(ThrottleLevel.None, (await FailAsync(changed)).Level);
        Assert.Equal(1, _store.Counters[Key].Failures);
    }

    [Fact]
    public async Task A_count_below_the_stop_is_forgotten_after_24_hours_without_failures()
    {
        for (var i = 1; i <= 6; i++) await FailAsync();
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(ThrottleLevel.Challenge, (await StateAsync()).Level);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(ThrottleLevel.None, (await StateAsync()).Level);
        await FailAsync();
        Assert.Equal(1, _store.Counters[Key].Failures);
    }

    [Fact]
    public async Task The_network_rule_challenges_after_20_and_pauses_after_100_without_a_stop()
    {
        var rule = ThrottleRule.ForNetwork(new ThrottleOptions());
        ThrottleCounter Counter(int n) => new() { Key = "n:x", Failures = n, LastFailureAt = _clock.GetUtcNow() };
        Assert.Equal(ThrottleLevel.None, rule.Evaluate(Counter(19), _clock.GetUtcNow()).Level);
        Assert.Equal(ThrottleLevel.Challenge, rule.Evaluate(Counter(20), _clock.GetUtcNow()).Level);
        Assert.Equal(ThrottleLevel.Paused, rule.Evaluate(Counter(100), _clock.GetUtcNow()).Level);
        Assert.Equal(ThrottleLevel.Paused, rule.Evaluate(Counter(5000), _clock.GetUtcNow()).Level);
        Assert.Equal(TimeSpan.FromHours(1), rule.Pause(5000));
        await Task.CompletedTask;
    }

    [Fact]
    public void The_stricter_state_wins()
    {
        var paused = new ThrottleState(ThrottleLevel.Paused, Start.AddMinutes(2), true);
        Assert.Equal(paused, ThrottleState.Open.Max(paused));
        Assert.Equal(paused, paused.Max(new ThrottleState(ThrottleLevel.Challenge)));
        Assert.Equal(Start.AddMinutes(5), paused.Max(paused with { Until = Start.AddMinutes(5) }).Until);
        Assert.True(new ThrottleState(ThrottleLevel.Challenge).Max(new ThrottleState(ThrottleLevel.Challenge, HighRisk: true)).HighRisk);
    }
}
