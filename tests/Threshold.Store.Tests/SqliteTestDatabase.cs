using Microsoft.EntityFrameworkCore;
using Threshold.Store.Sqlite;

namespace Threshold.Store.Tests;

/// <summary>SQLite, the embedded default: one temp file per test, named after <paramref name="namePrefix"/>.</summary>
public sealed class SqliteTestDatabase(string namePrefix) : TestDatabase
{
    private string? _path;

    // SQLite keeps the UTC ticks (see ThresholdDbContext), so nothing is lost.
    public override TimeSpan TimeResolution => TimeSpan.FromTicks(1);

    protected override string NewDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"threshold-{namePrefix}-{Guid.NewGuid():N}.db");
        // No pooling: every connection really closes, so the file can be deleted afterwards.
        return $"Data Source={_path};Pooling=False";
    }

    protected override void UseProvider(DbContextOptionsBuilder builder, string connectionString) =>
        SqliteProvider.Use(builder, connectionString);

    public override ValueTask DeleteAsync(DbContextOptions<ThresholdDbContext> options)
    {
        // The journal files outlive the connection when a test stops half-way.
        if (_path is not null)
            foreach (var file in new[] { _path, _path + "-journal", _path + "-wal", _path + "-shm" })
                File.Delete(file);
        return ValueTask.CompletedTask;
    }
}
