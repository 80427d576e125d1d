using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Threshold.Store.Postgres;

/// <summary>PostgreSQL, for scale-out. Its migrations live in this assembly.</summary>
public static class PostgresProvider
{
    public static void Use(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgresProvider).Assembly.GetName().Name));
}

/// <summary>For `dotnet ef migrations add … --project src/Threshold.Store.Postgres` (no server needed to add one).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ThresholdDbContext>
{
    public ThresholdDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ThresholdDbContext>();
        PostgresProvider.Use(builder, "Host=127.0.0.1;Database=threshold_design");
        return new ThresholdDbContext(builder.Options);
    }
}
