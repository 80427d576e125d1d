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

    /// <summary>
    /// Copies a template migrated once per test run (CREATE DATABASE … TEMPLATE) instead of running
    /// every migration for every test: the same schema, a fraction of the time.
    /// </summary>
    protected override async Task MigrateAsync(DbContextOptions<ThresholdDbContext> options, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(ConnectionStringOf(options));
        var template = await Template.Value;
        // PostgreSQL refuses to copy a template while another copy of it is being made; one at a time.
        await CopyGate.WaitAsync(cancellationToken);
        try
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database}\" TEMPLATE \"{template}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            CopyGate.Release();
        }
    }

    private static readonly SemaphoreSlim CopyGate = new(1, 1);
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>A database migrated to the latest model, used only as the source of copies; dropped when the test run ends.</summary>
    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"threshold_template_{Guid.NewGuid():N}";
        var server = Environment.GetEnvironmentVariable(Variable)!;
        // No pooling: a pooled connection left open to the template would stop every copy.
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        PostgresProvider.Use(builder, connection);
        await using (var db = new ThresholdDbContext(builder.Options))
            await db.Database.MigrateAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropQuietly(server, name);
        return name;
    }

    private static void DropQuietly(string server, string name)
    {
        try
        {
            using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", admin);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // The server may already be gone at the end of a run; its data folder is thrown away then.
        }
    }

    private static string ConnectionStringOf(DbContextOptions<ThresholdDbContext> options)
    {
        using var db = new ThresholdDbContext(options);
        return db.Database.GetConnectionString()!;
    }

    public override async ValueTask DeleteAsync(DbContextOptions<ThresholdDbContext> options)
    {
        await using var db = new ThresholdDbContext(options);
        await db.Database.EnsureDeletedAsync();
    }
}
