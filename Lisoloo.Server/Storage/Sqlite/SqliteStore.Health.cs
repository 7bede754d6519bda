using Lisoloo.Sdk;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// What <c>/health</c> asks of the store (<see cref="IStoreHealth"/>).
/// </summary>
internal sealed partial class SqliteStore
{
    /// <inheritdoc/>
    public string Provider => "sqlite";

    /// <inheritdoc/>
    public string Location => db.DataSource;

    /// <inheritdoc/>
    public int WriteQueueDepth => db.QueueDepth;

    /// <inheritdoc/>
    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default) => new(db.Ping());

    /// <inheritdoc />
    public async Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Nine pages or so into the WAL and an fsync, as a large accept needs (the old blob's pages are reused, so the
            // file does not grow): a one-page write would still fit on a disk too full for real work.
            await db.WriteAsync(ctx => ctx.Exec("INSERT OR REPLACE INTO health_probe(id, data) VALUES (1, randomblob(32768))"), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            return StoreOutage.Describe(ex);
        }
    }
}
