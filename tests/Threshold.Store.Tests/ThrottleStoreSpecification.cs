using Microsoft.EntityFrameworkCore;
using Npgsql;
using Threshold.Core.Defense;
using Threshold.Store.Postgres;
using Threshold.Store.Sqlite;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfThrottleStore"/>: atomic counting
/// (concurrent failures are all counted), restart, reset, one notification per run, single-use
/// challenges and one shared key. A fresh, migrated database per test; SQLite and PostgreSQL below.
/// </summary>
public abstract class ThrottleStoreSpecification : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);
    private DbContextOptions<ThresholdDbContext>? _options;
    private string? _connectionString;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract string NewDatabase();
    protected abstract void UseProvider(DbContextOptionsBuilder builder, string connectionString);
    protected abstract ValueTask RemoveDatabaseAsync(string connectionString, DbContextOptions<ThresholdDbContext> options);

    public async ValueTask InitializeAsync()
    {
        _connectionString = NewDatabase();
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        UseProvider(builder, _connectionString);
        _options = builder.Options;
        await using var db = new ThresholdDbContext(_options);
        await db.Database.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_connectionString is not null && _options is not null) await RemoveDatabaseAsync(_connectionString, _options);
    }

    private async Task<T> Store<T>(Func<EfThrottleStore, Task<T>> action)
    {
        await using var db = new ThresholdDbContext(_options!);
        return await action(new EfThrottleStore(db));
    }

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

public sealed class SqliteThrottleStoreSpecification : ThrottleStoreSpecification
{
    private string? _path;

    protected override string NewDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"threshold-throttle-{Guid.NewGuid():N}.db");
        return $"Data Source={_path};Pooling=False";
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) => SqliteProvider.Use(builder, connectionString);

    protected override ValueTask RemoveDatabaseAsync(string connectionString, DbContextOptions<ThresholdDbContext> options)
    {
        if (_path is not null)
            foreach (var file in new[] { _path, _path + "-journal", _path + "-wal", _path + "-shm" })
                File.Delete(file);
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresThrottleStoreSpecification : ThrottleStoreSpecification
{
    protected override string NewDatabase()
    {
        var server = Environment.GetEnvironmentVariable(PostgresStoreSpecification.Variable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException($"{PostgresStoreSpecification.Variable} is not set; run the tests with scripts/test.sh.");
        return new NpgsqlConnectionStringBuilder(server) { Database = $"threshold_throttle_{Guid.NewGuid():N}" }.ConnectionString;
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) => PostgresProvider.Use(builder, connectionString);

    protected override async ValueTask RemoveDatabaseAsync(string connectionString, DbContextOptions<ThresholdDbContext> options)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.EnsureDeletedAsync();
    }
}
