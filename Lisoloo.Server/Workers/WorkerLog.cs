namespace Lisoloo.Server.Workers;

/// <summary>The background workers' log messages, with stable event ids (4000–4099).</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(4000, LogLevel.Warning, "{Worker} failed; the work stays in the store and is tried again until it succeeds")]
    public static partial void Failed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(4001, LogLevel.Information, "{Worker} works again after {Failures} failure(s) in a row")]
    public static partial void Recovered(ILogger logger, string worker, int failures);

    [LoggerMessage(4002, LogLevel.Warning, "Claimed {Count} deliveries again whose lease ran out while this node still had them in flight; they are not submitted twice")]
    public static partial void ReclaimedInFlight(ILogger logger, int count);

    [LoggerMessage(4003, LogLevel.Error, "Submitting a batch of {Count} deliveries failed; what was not stored is retried when its lease ends")]
    public static partial void BatchSubmitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(4004, LogLevel.Warning, "The lease of {Count} deliveries in flight ran out (this node stalled for longer than the renewals allow); what of them is not submitted yet is left to the node that claims them")]
    public static partial void LeaseLost(ILogger logger, int count);

    [LoggerMessage(4005, LogLevel.Warning, "Extending the lease of {Count} deliveries in flight failed; tried again in {Every}")]
    public static partial void LeaseExtensionFailed(ILogger logger, Exception exception, int count, TimeSpan every);

    [LoggerMessage(4006, LogLevel.Error, "Submitting delivery {DeliveryId} failed; it is retried when its lease ends")]
    public static partial void SubmitFailed(ILogger logger, Exception? exception, long deliveryId);

    [LoggerMessage(4007, LogLevel.Error, "Storing the outcome of {Count} deliveries failed; they are submitted again when their lease ends")]
    public static partial void OutcomesNotStored(ILogger logger, Exception exception, int count);

    [LoggerMessage(4008, LogLevel.Debug, "Purged {Count} idempotency records older than 24 h")]
    public static partial void IdempotencyPurged(ILogger logger, int count);

    [LoggerMessage(4009, LogLevel.Debug, "Purged {Count} held receipts and inbound parts older than 24 h")]
    public static partial void CarrierLeftoversPurged(ILogger logger, int count);
}
