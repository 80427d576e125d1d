using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Threshold.Store.Sqlite;

/// <summary>
/// Lets SQLite itself wait for a concurrent writer (its busy handler backs off in
/// milliseconds) instead of failing at once and being retried by the ADO.NET layer in
/// 150 ms steps, which showed up as 150/300/450 ms spikes under concurrent sign-ins.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(ct);
    }
}
