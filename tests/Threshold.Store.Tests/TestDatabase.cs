using Microsoft.EntityFrameworkCore;

namespace Threshold.Store.Tests;

/// <summary>
/// One throw-away database for one test: <see cref="CreateAsync"/> makes a new, migrated database
/// and <see cref="DeleteAsync"/> removes it again. A new instance per test class instance, so
/// every test gets a database of its own and parallel tests never meet.
/// </summary>
public abstract class TestDatabase
{
    /// <summary>The finest time step the provider keeps: 1 tick (100 ns) or 1 µs.</summary>
    public abstract TimeSpan TimeResolution { get; }

    /// <summary>Names a new database, applies every migration to it and returns the options to reach it.</summary>
    public async Task<DbContextOptions<ThresholdDbContext>> CreateAsync(CancellationToken cancellationToken)
    {
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        UseProvider(builder, NewDatabase());
        var options = builder.Options;
        await MigrateAsync(options, cancellationToken);
        return options;
    }

    /// <summary>Brings the new database to the latest migration (a provider may copy a migrated template instead).</summary>
    protected virtual async Task MigrateAsync(DbContextOptions<ThresholdDbContext> options, CancellationToken cancellationToken)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>Removes the database made by <see cref="CreateAsync"/>; called also when the test failed.</summary>
    public abstract ValueTask DeleteAsync(DbContextOptions<ThresholdDbContext> options);

    /// <summary>Names a new, not yet existing database and returns its connection string.</summary>
    protected abstract string NewDatabase();

    protected abstract void UseProvider(DbContextOptionsBuilder builder, string connectionString);
}
