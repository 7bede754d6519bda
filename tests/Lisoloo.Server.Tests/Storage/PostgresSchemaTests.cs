using Lisoloo.Server.Storage.Postgres;
using Lisoloo.Server.Tests.Infrastructure;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>The PostgreSQL schema at start: several nodes starting together migrate it once (SQLite, one node, creates it when the file opens).</summary>
[TestFixture]
public sealed class PostgresSchemaTests
{
    [Test]
    public async Task Nodes_starting_together_migrate_the_schema_once()
    {
        await using var fresh = await PostgresTestDatabase.CreateAsync();
        var databases = Enumerable.Range(0, 4)
            .Select(_ => new PostgresDatabase(fresh.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)).ToList();
        try
        {
            await Task.WhenAll(databases.Select(d => d.EnsureSchemaAsync()));
            var versions = await databases[0].RunAsync(async c =>
            {
                await using var cmd = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations", c);
                return (long)(await cmd.ExecuteScalarAsync())!;
            }, CancellationToken.None);
            Assert.That(versions, Is.EqualTo(PostgresSchema.LatestVersion));
        }
        finally
        {
            foreach (var d in databases)
            {
                await d.DisposeAsync();
            }
        }
    }
}
