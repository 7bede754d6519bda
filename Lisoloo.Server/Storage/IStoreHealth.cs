namespace Lisoloo.Server.Storage;

/// <summary>What <c>/health</c>, metrics and the startup banner show of the store.</summary>
internal interface IStoreHealth
{
    /// <summary>The provider's name: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>Where the data lives, without credentials (a file path, or host/port/database).</summary>
    string Location { get; }

    /// <summary>Writes queued in this process and not yet committed (0 for providers without a local write queue).</summary>
    int WriteQueueDepth { get; }

    /// <summary>True when a trivial read succeeds.</summary>
    ValueTask<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one row, through the same path as every write, to learn whether the store takes writes (a full disk or a
    /// read-only store still answers reads). Null when it does; otherwise the store's reason.
    /// </summary>
    Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default);
}
