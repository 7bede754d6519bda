namespace Lisoloo.Server.Storage;

/// <summary>The stores' log messages, with stable event ids (4100–4199). Connection strings and keys are never logged.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(4100, LogLevel.Error, "A group commit of {Count} writes failed")]
    public static partial void GroupCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(4101, LogLevel.Warning, "A WAL checkpoint failed ({Reason}); it is retried every 0.5 s, and this is logged again only after one succeeds")]
    public static partial void CheckpointFailed(ILogger logger, string reason);

    [LoggerMessage(4102, LogLevel.Warning, "Finishing a WAL checkpoint failed; the next attempt retries")]
    public static partial void CheckpointFinishFailed(ILogger logger, Exception exception);

    [LoggerMessage(4103, LogLevel.Critical, "fsync of the SQLite WAL failed; stopping the process")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(4104, LogLevel.Warning, "The store is available again after {Duration:0.0} s: {FailedWrites} writes failed and {Refused} requests were refused (error 1504) meanwhile")]
    public static partial void Recovered(ILogger logger, double duration, long failedWrites, long refused);

    [LoggerMessage(4105, LogLevel.Warning, "The store is unavailable ({Reason}); requests that need it are refused (error 1504) until it is back")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(4106, LogLevel.Information, "Applied PostgreSQL schema migration {Version}")]
    public static partial void MigrationApplied(ILogger logger, int version);

    [LoggerMessage(4107, LogLevel.Warning, "A batch of {Count} accepts failed; writing each alone")]
    public static partial void AcceptBatchFailed(ILogger logger, Exception exception, int count);
}
