using Microsoft.EntityFrameworkCore;
using Threshold.Store.Sqlite;

namespace Threshold.Store.Tests;

/// <summary>The store specification on SQLite, the embedded default: one temp file per test.</summary>
public sealed class SqliteStoreSpecification : StoreSpecification
{
    private string? _path;

    // SQLite keeps the UTC ticks (see ThresholdDbContext), so nothing is lost.
    protected override TimeSpan TimeResolution => TimeSpan.FromTicks(1);

    protected override string NewDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"threshold-store-{Guid.NewGuid():N}.db");
        // No pooling: every connection really closes, so the file can be deleted afterwards.
        return $"Data Source={_path};Pooling=False";
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) =>
        SqliteProvider.Use(builder, connectionString);

    protected override ValueTask RemoveDatabaseAsync(string connectionString, DbContextOptions<ThresholdDbContext> options)
    {
        if (_path is not null)
            foreach (var file in new[] { _path, _path + "-journal", _path + "-wal", _path + "-shm" })
                File.Delete(file);
        return ValueTask.CompletedTask;
    }
}
