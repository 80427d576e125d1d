using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// The ground every store specification stands on: a fresh, migrated database per test (xunit makes
/// a new instance for every test), removed afterwards, and reads through a new
/// <see cref="ThresholdDbContext"/> so that data really made the round trip to the database instead
/// of coming back from a change tracker. The <see cref="TestDatabase"/> says which provider.
/// </summary>
public abstract class DatabaseSpecification(TestDatabase database) : IAsyncLifetime
{
    private DbContextOptions<ThresholdDbContext>? _options;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The finest time step the provider keeps: 1 tick (100 ns) or 1 µs.</summary>
    protected TimeSpan TimeResolution => database.TimeResolution;

    public async ValueTask InitializeAsync() => _options = await database.CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_options is not null)
            await database.DeleteAsync(_options);
    }

    protected ThresholdDbContext NewContext() =>
        new(_options ?? throw new InvalidOperationException("The database was not set up."));

    protected async Task<T> With<T>(Func<ThresholdDbContext, Task<T>> action)
    {
        await using var db = NewContext();
        return await action(db);
    }

    protected async Task With(Func<ThresholdDbContext, Task> action)
    {
        await using var db = NewContext();
        await action(db);
    }

    /// <summary>Stores one row as it is, bypassing the stores under test.</summary>
    protected Task AddAsync<TEntity>(TEntity entity) where TEntity : class =>
        With(async db => { db.Add(entity); await db.SaveChangesAsync(Ct); });

    /// <summary>The instant as the provider keeps it: UTC, cut to its resolution, nothing else lost.</summary>
    protected void AssertInstant(DateTimeOffset expected, DateTimeOffset? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(TimeSpan.Zero, actual.Value.Offset);
        var ticks = expected.UtcTicks - expected.UtcTicks % TimeResolution.Ticks;
        Assert.Equal(new DateTimeOffset(ticks, TimeSpan.Zero), actual.Value);
    }
}
