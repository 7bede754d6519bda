using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL database: one <see cref="NpgsqlDataSource"/> (the connection pool), the schema migrated at start, and
/// the two ways statements run: a read on a pooled connection, or a transaction that is retried from the start when
/// PostgreSQL reports a deadlock or a serialization failure (the only errors a retry can cure).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly Lock _schemaLock = new();
    private Task? _schema;
    private readonly StoreOutageMonitor? _outages;

    /// <summary>Creates the pool (no I/O yet); the schema is brought up to date on first use or by <see cref="EnsureSchemaAsync"/>.</summary>
    public PostgresDatabase(string connectionString, ILogger logger, StoreOutageMonitor? outages = null)
    {
        _outages = outages;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
        _logger = logger;
    }

    /// <summary>host:port/database, never the credentials.</summary>
    public string Location { get; }

    /// <summary>
    /// Creates or migrates the schema once per process (see <see cref="PostgresSchema"/>); every statement waits for it.
    /// A failure (the database unreachable at start) is not remembered: the next call tries again.
    /// </summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        var schema = Volatile.Read(ref _schema);
        if (schema is { IsCompletedSuccessfully: true })
        {
            return schema;
        }

        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = PostgresSchema.MigrateAsync(_source, _logger, CancellationToken.None);
            }

            return _schema.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection in autocommit: reads, and writes of one statement.</summary>
    public async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction and commits. A deadlock (40P01) or serialization
    /// failure (40001) rolls back and runs the work again from the start, up to five times; any other error propagates
    /// after the rollback. The work must therefore have no effect outside the transaction.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionCoreAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_outages is not null && ex is not OperationCanceledException)
        {
            // Counted (and an outage logged once) when the store is unavailable; rethrown either way.
            _outages.WriteFailed(ex);
            throw;
        }
    }

    /// <summary>Creates the transaction, runs and commits it, and retries what a retry can cure.</summary>
    private async Task<T> InTransactionCoreAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && IsRetryable(ex))
            {
                await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Records a committed transaction that wrote to the WAL (an accept, the health probe), which ends an outage in
    /// progress. Not every transaction counts: a worker's poll that found nothing commits without writing, and succeeds
    /// on a server whose disk is full.
    /// </summary>
    public void WriteSucceeded() => _outages?.WriteSucceeded();

    /// <summary>True for the errors a fresh attempt of the same transaction can cure.</summary>
    public static bool IsRetryable(PostgresException ex) => ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>
    /// Commits a transaction that is given a transaction id, and so writes a commit record to the WAL: refused by a
    /// read-only standby or a server out of disk. Null when it commits; otherwise the server's reason.
    /// </summary>
    public async Task<string?> ProbeWriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InTransactionAsync(async (c, tx) => await Sql.Command(c, tx, "SELECT txid_current()").ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            WriteSucceeded();
            return null;
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            return StoreOutage.Describe(ex);
        }
    }

    /// <summary>True when a trivial query succeeds.</summary>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var cmd = _source.CreateCommand("SELECT 1");
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Closes the pool.</summary>
    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
