namespace Threshold.Store.Tests;

/// <summary>
/// The store specification on PostgreSQL, the scale-out database: one new database per test
/// on the server named by THRESHOLD_TEST_POSTGRES, dropped afterwards.
/// </summary>
public sealed class PostgresStoreSpecification() : StoreSpecification(new PostgresTestDatabase("store"));
