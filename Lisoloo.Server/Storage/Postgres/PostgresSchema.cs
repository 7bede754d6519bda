using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// Creates and migrates the schema at start. Every node runs this; a session-level <c>pg_advisory_lock</c> makes them
/// take turns, so the first applies the missing migrations and the others find the schema current. Each migration runs
/// in its own transaction together with the row that records it in <c>schema_migrations</c>.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key of the migration (an arbitrary constant: "lisoloo" in ASCII).</summary>
    private const long LockKey = 0x6C69736F6C6F6F;

    /// <summary>The migrations in order; the position + 1 is the version. Never edit one that has shipped: append.</summary>
    private static readonly Func<string>[] Migrations =
    [
        () => Resource("Lisoloo.Server.postgres-schema.sql"),

        // 2: the carrier's own words for a delivery's outcome (stat:UNDELIV err:001, ESME_RINVDSTADR).
        () => "ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS carrier_error TEXT",

        // 3: receipt deadlines (due_at of deliveries waiting for a carrier's receipt), and the SMSC's ids as written.
        () => $"""
            CREATE INDEX IF NOT EXISTS ix_deliveries_receipt_deadline ON deliveries(due_at) WHERE state IN ('{DeliveryStates.Sent}','{DeliveryStates.Accepted}') AND receipt_state IS NULL;
            ALTER TABLE delivery_parts ADD COLUMN IF NOT EXISTS raw_id TEXT;
            """,
    ];

    /// <summary>The newest version this build knows.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Applies the migrations this database lacks, under the advisory lock; fails when the database is newer than this build.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource source, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await Sql.ExecAsync(connection, null, "SELECT pg_advisory_lock($1)", LockKey).ConfigureAwait(false);
        try
        {
            await Sql.ExecAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").ConfigureAwait(false);
            var current = Convert.ToInt32(await Sql.ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").ConfigureAwait(false),
                System.Globalization.CultureInfo.InvariantCulture);
            if (current > LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema is at version {current}, newer than this build knows ({LatestVersion}): upgrade this node.");
            }

            for (var version = current + 1; version <= LatestVersion; version++)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await Sql.ExecAsync(connection, tx, Migrations[version - 1]()).ConfigureAwait(false);
                await Sql.ExecAsync(connection, tx, "INSERT INTO schema_migrations(version) VALUES ($1)", version).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                StoreLog.MigrationApplied(logger, version);
            }
        }
        finally
        {
            await Sql.ExecAsync(connection, null, "SELECT pg_advisory_unlock($1)", LockKey).ConfigureAwait(false);
        }
    }

    private static string Resource(string name)
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The schema resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
