using Lisoloo.TestSupport.Postgres;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database on the test PostgreSQL server (<see cref="TestPostgres"/>: the cluster
/// <c>LISOLOO_TEST_POSTGRES</c> names, else one started for this test process), dropped on dispose.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    private PostgresTestDatabase(string connectionString) => ConnectionString = connectionString;

    /// <summary>A connection string to it (as a superuser of the test cluster).</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync() =>
        new(await TestPostgres.CreateDatabaseAsync("lisoloo_store").ConfigureAwait(false));

    public async ValueTask DisposeAsync() => await TestPostgres.DropDatabaseAsync(ConnectionString).ConfigureAwait(false);
}
