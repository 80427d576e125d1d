using Microsoft.EntityFrameworkCore;
using Npgsql;
using Threshold.Store.Postgres;

namespace Threshold.Store.Tests;

/// <summary>
/// The store specification on PostgreSQL, the scale-out database: one new database per test
/// on the server named by THRESHOLD_TEST_POSTGRES, dropped afterwards.
/// </summary>
public sealed class PostgresStoreSpecification : StoreSpecification
{
    public const string Variable = "THRESHOLD_TEST_POSTGRES";

    // timestamp with time zone keeps microseconds.
    protected override TimeSpan TimeResolution => TimeSpan.FromMicroseconds(1);

    protected override string NewDatabase()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL store tests cannot run. Run the tests with scripts/test.sh, " +
                "which starts a throw-away PostgreSQL server and sets it, or set it yourself to an Npgsql connection " +
                "string of a server where the user may create databases, e.g. Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres.");
        return new NpgsqlConnectionStringBuilder(server) { Database = $"threshold_store_{Guid.NewGuid():N}" }.ConnectionString;
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) =>
        PostgresProvider.Use(builder, connectionString);

    protected override async ValueTask RemoveDatabaseAsync(string connectionString, DbContextOptions<ThresholdDbContext> options)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.EnsureDeletedAsync();
    }
}
