using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Threshold.Bench;

/// <summary>
/// Asks SQLite how it runs each query EF sends (EXPLAIN QUERY PLAN with the same text and
/// parameters, on the same connection), so a result can say "index lookup" or "table scan"
/// from the database's own answer rather than from reading the code. Used only on an unmeasured
/// pass: the extra round trip would distort the times.
/// </summary>
internal sealed partial class QueryPlans : DbCommandInterceptor
{
    private readonly List<string> _lines = [];

    /// <summary>The plans seen since the last call, one block per query.</summary>
    public IReadOnlyList<string> Take()
    {
        var lines = _lines.ToList();
        _lines.Clear();
        return lines;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    private async Task ExplainAsync(DbCommand command, CancellationToken ct)
    {
        if (command.Connection is null || !command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)) return;
        await using var explain = command.Connection.CreateCommand();
        explain.Transaction = command.Transaction;
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        foreach (DbParameter p in command.Parameters)
        {
            var copy = (SqliteParameter)explain.CreateParameter();
            copy.ParameterName = p.ParameterName;
            copy.Value = p.Value;
            if (p is SqliteParameter sqlite) copy.SqliteType = sqlite.SqliteType;
            explain.Parameters.Add(copy);
        }
        var sql = Spaces().Replace(command.CommandText, " ");
        _lines.Add($"    {(sql.Length > 150 ? sql[..150] + " …" : sql)}");
        await using var reader = await explain.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) _lines.Add($"      plan: {reader.GetString(3)}");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
