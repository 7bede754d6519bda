using Lisoloo.TestSupport.Postgres;
using Npgsql;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL harness (<see cref="TestPostgres"/>) checked on its own: the server eng/test.sh (or the harness itself)
/// starts, and the fresh databases tests get from it.
/// </summary>
[TestFixture]
public sealed class TestPostgresTests
{
    [Test]
    public async Task A_created_database_answers_queries_and_is_gone_once_dropped()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("harness");
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        Assert.That(name, Does.Match("^harness_[0-9a-f]{16}$"));

        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE TABLE notes (id int PRIMARY KEY, text text NOT NULL); INSERT INTO notes VALUES (1, 'mbote')", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var query = new NpgsqlCommand("SELECT current_database(), (SELECT text FROM notes WHERE id = 1), current_setting('server_encoding')", connection);
            await using var reader = await query.ExecuteReaderAsync();
            Assert.That(await reader.ReadAsync(), Is.True);
            Assert.Multiple(() =>
            {
                Assert.That(reader.GetString(0), Is.EqualTo(name));
                Assert.That(reader.GetString(1), Is.EqualTo("mbote"));
                Assert.That(reader.GetString(2), Is.EqualTo("UTF8"));
            });
        }
        finally
        {
            // The connection above is still open in the pool: the drop ends it.
            await TestPostgres.DropDatabaseAsync(connectionString);
        }

        var error = Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        });
        Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidCatalogName));

        // Dropping again is a no-op.
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    [Test]
    public async Task Two_created_databases_are_distinct()
    {
        var first = await TestPostgres.CreateDatabaseAsync("harness");
        var second = await TestPostgres.CreateDatabaseAsync("harness");
        try
        {
            Assert.That(new NpgsqlConnectionStringBuilder(first).Database, Is.Not.EqualTo(new NpgsqlConnectionStringBuilder(second).Database));

            await using (var connection = new NpgsqlConnection(first))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("CREATE TABLE only_in_first (id int)", connection);
                await create.ExecuteNonQueryAsync();
            }

            await using (var connection = new NpgsqlConnection(second))
            {
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'", connection);
                Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(0L));
            }
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(first);
            await TestPostgres.DropDatabaseAsync(second);
        }
    }

    [Test]
    public async Task The_server_is_the_test_cluster_on_loopback_with_room_for_several_pools()
    {
        await using var connection = new NpgsqlConnection(await TestPostgres.GetServerConnectionStringAsync());
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT inet_server_addr()::text, current_setting('max_connections')::int", connection);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetString(0), Is.EqualTo("127.0.0.1/32"));
            Assert.That(reader.GetInt32(1), Is.GreaterThanOrEqualTo(200));
        });
    }

    [Test]
    public void Prefixes_that_are_not_plain_identifiers_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.CreateDatabaseAsync(""));
            Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.CreateDatabaseAsync("1store"));
            Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.CreateDatabaseAsync("store\"; DROP DATABASE postgres; --"));
            Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.CreateDatabaseAsync(new string('a', 41)));
            Assert.ThrowsAsync<ArgumentException>(() => TestPostgres.DropDatabaseAsync("Host=127.0.0.1;Database=postgres"));
        });
    }
}
