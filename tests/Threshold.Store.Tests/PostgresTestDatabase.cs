using Microsoft.EntityFrameworkCore;
using Npgsql;
using Threshold.Store.Postgres;

namespace Threshold.Store.Tests;

/// <summary>
/// PostgreSQL, the scale-out database: one new database per test (named after
/// <paramref name="namePrefix"/>) on the server named by THRESHOLD_TEST_POSTGRES, dropped afterwards.
/// </summary>
public sealed class PostgresTestDatabase(string namePrefix) : TestDatabase
{
    public const string Variable = "THRESHOLD_TEST_POSTGRES";

    // timestamp with time zone keeps microseconds.
    public override TimeSpan TimeResolution => TimeSpan.FromMicroseconds(1);

    protected override string NewDatabase()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL store tests cannot run. Run the tests with scripts/test.sh, " +
                "which starts a throw-away PostgreSQL server and sets it, or set it yourself to an Npgsql connection " +
                "string of a server where the user may create databases, e.g. Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres.");
        // PostgreSQL folds unquoted names to lower case and does not allow '-'.
        var name = $"threshold_{namePrefix.Replace('-', '_')}_{Guid.NewGuid():N}";
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) =>
        PostgresProvider.Use(builder, connectionString);

    public override async ValueTask DeleteAsync(DbContextOptions<ThresholdDbContext> options)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.EnsureDeletedAsync();
    }
}
