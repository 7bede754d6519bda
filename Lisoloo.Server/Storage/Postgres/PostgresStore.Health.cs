
namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// What <c>/health</c> asks of the store (<see cref="IStoreHealth"/>).
/// </summary>
internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public string Provider => "postgres";

    /// <inheritdoc/>
    public string Location => _db.Location;

    /// <inheritdoc/>
    public int WriteQueueDepth => _accepts.QueueDepth;

    /// <inheritdoc/>
    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default) => _db.PingAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default) => _db.ProbeWriteAsync(cancellationToken);
}
