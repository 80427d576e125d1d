using Threshold.Core.Defense;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfThrottleStore"/>: atomic counting
/// (concurrent failures are all counted), restart, reset, one notification per run, single-use
/// challenges and one shared key. A fresh, migrated database per test; SQLite and PostgreSQL below.
/// </summary>
public abstract class ThrottleStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private Task<T> Store<T>(Func<EfThrottleStore, Task<T>> action) => With(db => action(new EfThrottleStore(db)));

    [Fact]
    public async Task Failures_count_up_and_restart_when_the_last_one_is_older_than_the_cutoff()
    {
        for (var i = 1; i <= 3; i++)
            Assert.Equal(i, (await Store(s => s.RecordFailureAsync("i:a", T0.AddSeconds(i), DateTimeOffset.MinValue, Ct))).Failures);
        var restarted = await Store(s => s.RecordFailureAsync("i:a", T0.AddDays(2), T0.AddDays(1), Ct));
        Assert.Equal(1, restarted.Failures);
        Assert.Equal(T0.AddDays(2), restarted.LastFailureAt);
        var read = await Store(s => s.GetAsync(["i:a", "i:missing"], Ct));
        Assert.Equal(1, Assert.Single(read).Value.Failures);
    }

    [Fact]
    public async Task Concurrent_failures_are_all_counted()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store(s => s.RecordFailureAsync("n:x", T0.AddMilliseconds(i), DateTimeOffset.MinValue, Ct))));
        Assert.Equal(20, (await Store(s => s.GetAsync(["n:x"], Ct)))["n:x"].Failures);
    }

    [Fact]
    public async Task Reset_forgets_only_the_keys_given()
    {
        await Store(s => s.RecordFailureAsync("i:a", T0, DateTimeOffset.MinValue, Ct));
        await Store(s => s.RecordFailureAsync("n:b", T0, DateTimeOffset.MinValue, Ct));
        await Store(async s => { await s.ResetAsync(["i:a"], Ct); return 0; });
        Assert.Equal(["n:b"], (await Store(s => s.GetAsync(["i:a", "n:b"], Ct))).Keys);
    }

    [Fact]
    public async Task The_owner_is_marked_notified_once_per_run_of_failures()
    {
        await Store(s => s.RecordFailureAsync("a:1", T0, DateTimeOffset.MinValue, Ct));
        Assert.True(await Store(s => s.TryMarkNotifiedAsync("a:1", T0, Ct)));
        Assert.False(await Store(s => s.TryMarkNotifiedAsync("a:1", T0, Ct)));
        await Store(s => s.RecordFailureAsync("a:1", T0.AddMinutes(1), DateTimeOffset.MinValue, Ct));
        Assert.False(await Store(s => s.TryMarkNotifiedAsync("a:1", T0, Ct)));
        // A new run (the count restarted) may notify again.
        await Store(s => s.RecordFailureAsync("a:1", T0.AddDays(3), T0.AddDays(2), Ct));
        Assert.True(await Store(s => s.TryMarkNotifiedAsync("a:1", T0.AddDays(3), Ct)));
    }

    [Fact]
    public async Task A_challenge_is_spent_once()
    {
        Assert.True(await Store(s => s.TrySpendChallengeAsync("c1", T0.AddMinutes(10), T0, Ct)));
        Assert.False(await Store(s => s.TrySpendChallengeAsync("c1", T0.AddMinutes(10), T0, Ct)));
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store(s => s.TrySpendChallengeAsync("c2", T0.AddMinutes(10), T0, Ct))));
        Assert.Single(racing, x => x);
    }

    [Fact]
    public async Task The_first_stored_key_wins()
    {
        var first = await Store(s => s.GetOrAddKeyAsync("pow-hmac", "first", Ct));
        var second = await Store(s => s.GetOrAddKeyAsync("pow-hmac", "second", Ct));
        Assert.Equal(("first", "first"), (first, second));
    }
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteThrottleStoreSpecification() : ThrottleStoreSpecification(new SqliteTestDatabase("throttle"));
public sealed class PostgresThrottleStoreSpecification() : ThrottleStoreSpecification(new PostgresTestDatabase("throttle"));
