namespace Lisoloo.Server.Configuration;

internal sealed class StoreOptions
{
    /// <summary>The SQLite provider (default): one node, an embedded file.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The PostgreSQL provider: several nodes over one database.</summary>
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default: one node, embedded) or <c>postgres</c> (several nodes over one database; see docs/server.md).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Connection string. SQLite: default <c>Data Source={DataDirectory}/lisoloo.db</c>. PostgreSQL: required, an
    /// Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite database and the generated master key; default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Most accepts committed in one group-commit transaction (per node on PostgreSQL).</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>True when <see cref="Provider"/> names PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with these settings, one line each; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            yield return $"Lisoloo:Store:Provider must be '{Sqlite}' or '{Postgres}', not '{Provider}'.";
        }

        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return "Lisoloo:Store:ConnectionString is required with Lisoloo:Store:Provider=postgres (an Npgsql connection string: Host=…;Database=…;Username=…;Password=…).";
        }
    }
}
