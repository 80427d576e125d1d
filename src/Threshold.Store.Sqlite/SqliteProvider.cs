using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Threshold.Store.Sqlite;

/// <summary>SQLite, the embedded default. Its migrations live in this assembly.</summary>
public static class SqliteProvider
{
    public static void Use(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name))
            .AddInterceptors(BusyTimeout);

    private static readonly SqliteBusyTimeout BusyTimeout = new();
}

/// <summary>For `dotnet ef migrations add … --project src/Threshold.Store.Sqlite`.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ThresholdDbContext>
{
    public ThresholdDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        SqliteProvider.Use(builder, "Data Source=design-time.db");
        return new ThresholdDbContext(builder.Options);
    }
}
