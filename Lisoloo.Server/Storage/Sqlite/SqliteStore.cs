using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Every SQL statement of the server. Reads run on pooled connections; writes go through the single writer of
/// <see cref="SqliteDatabase"/> (group commit). Money moves only here, always with its ledger row in the same
/// transaction, and the <c>CHECK (balance_micros &gt;= 0)</c> constraint is the last line of defence.
/// </summary>
internal sealed partial class SqliteStore(SqliteDatabase db, TimeProvider time) : ILisolooStore
{
    private readonly KeyCache _keyCache = new(time);

    /// <summary>The SQLite file behind this store (for SQLite-only tests and tools).</summary>
    public SqliteDatabase Database => db;

    /// <summary>Nothing to do: <see cref="SqliteDatabase"/> creates the schema when it opens the file.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string IdArray(IEnumerable<long> ids) => "[" + string.Join(',', ids) + "]";

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static int? NullableInt(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static long? NullableLong(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
