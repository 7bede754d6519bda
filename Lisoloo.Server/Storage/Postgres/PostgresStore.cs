using System.Security.Cryptography;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL provider, for several server nodes over one database. Same observable behaviour as the SQLite
/// provider; what differs is how concurrency is made safe without a single writer: every claim is a row lock taken with
/// <c>FOR UPDATE SKIP LOCKED</c> (leased work also records its node and lease end), balances move with a guarded
/// <c>UPDATE … WHERE balance_micros &gt;= x</c> in the transaction that writes the ledger row, idempotency records are
/// unique rows (<c>INSERT … ON CONFLICT</c>), and transactions that meet a deadlock are run again. See docs/server.md, "PostgreSQL".
/// </summary>
internal sealed partial class PostgresStore : ILisolooStore, IAsyncDisposable
{
    private readonly PostgresDatabase _db;

    private readonly TimeProvider _time;

    private readonly ILogger _logger;

    private readonly KeyCache _keyCache;

    public PostgresStore(PostgresDatabase db, TimeProvider time, int maxBatch, ILogger logger)
    {
        _db = db;
        _time = time;
        _logger = logger;
        _keyCache = new KeyCache(time);
        _accepts = new AcceptBatcher(this, Math.Max(1, maxBatch));
    }

    /// <summary>This process's name in <c>claimed_by</c> columns: host, process id and a random suffix.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The database behind this store (for PostgreSQL-only tests and tools).</summary>
    public PostgresDatabase Database => _db;

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _db.EnsureSchemaAsync(cancellationToken);

    private static NpgsqlParameter Long(long? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Int(int? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bytes(byte[]? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _accepts.DisposeAsync().ConfigureAwait(false);
        await _db.DisposeAsync().ConfigureAwait(false);
    }
}
