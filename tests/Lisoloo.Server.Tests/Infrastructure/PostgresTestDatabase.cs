using Npgsql;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database on the test cluster named by <c>LISOLOO_TEST_POSTGRES</c> (an Npgsql connection string,
/// e.g. what <c>eng/pg.sh start DIR</c> prints), dropped on dispose. Without the variable the calling test is ignored,
/// with a message saying how to run it.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "LISOLOO_TEST_POSTGRES";

    private readonly string _admin;

    private PostgresTestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A connection string to it.</summary>
    public string ConnectionString { get; }

    /// <summary>The cluster's connection string, or an ignored test when it is not set.</summary>
    public static string Cluster()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.Ignore($"{Variable} is not set: start a cluster with `eng/pg.sh start DIR` and export its connection string to run the PostgreSQL fixtures.");
        }

        return admin!;
    }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Cluster();
        var name = "lisoloo_t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresTestDatabase(admin, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // Best effort: a leftover test database is harmless on a throw-away cluster.
        }
    }
}
