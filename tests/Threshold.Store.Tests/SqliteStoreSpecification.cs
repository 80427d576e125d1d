namespace Threshold.Store.Tests;

/// <summary>The store specification on SQLite, the embedded default: one temp file per test.</summary>
public sealed class SqliteStoreSpecification() : StoreSpecification(new SqliteTestDatabase("store"));
