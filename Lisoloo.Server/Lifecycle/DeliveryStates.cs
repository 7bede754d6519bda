namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// The 14 states of a message (one recipient of one occurrence), by their wire names: the one place these names are
/// written. Stores keep them as they are in their <c>state</c> columns, the API and webhooks send them as they are.
/// </summary>
/// <remarks>
/// <c>pending</c> → <c>queued</c> → <c>processing</c> → <c>sent</c> → a final state; <c>accepted</c> and <c>unknown</c>
/// are intermediate carrier answers; <c>scheduled</c> and <c>paused</c> are occurrences not yet released.
/// </remarks>
internal static class DeliveryStates
{
    /// <summary>Accepted, waiting for its due time or a worker.</summary>
    public const string Pending = "pending";

    /// <summary>Claimed by a worker, waiting for a connection's window.</summary>
    public const string Queued = "queued";

    /// <summary>Being handed to the carrier.</summary>
    public const string Processing = "processing";

    /// <summary>The carrier acknowledged it (an SMSC's <c>submit_sm_resp</c>).</summary>
    public const string Sent = "sent";

    /// <summary>The carrier accepted it for later delivery (<c>ACCEPTD</c>).</summary>
    public const string Accepted = "accepted";

    /// <summary>The carrier does not know what became of it.</summary>
    public const string Unknown = "unknown";

    /// <summary>Final: the handset has it.</summary>
    public const string Delivered = "delivered";

    /// <summary>Final: the carrier could not deliver it.</summary>
    public const string Undelivered = "undelivered";

    /// <summary>Final: it expired before the handset could be reached.</summary>
    public const string Expired = "expired";

    /// <summary>Final: the carrier rejected it.</summary>
    public const string Rejected = "rejected";

    /// <summary>Final: refused at submit, or deleted by the carrier.</summary>
    public const string Failed = "failed";

    /// <summary>Final: cancelled before it reached the carrier, and refunded.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>An occurrence not yet released.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>An occurrence of a paused send.</summary>
    public const string Paused = "paused";

    /// <summary>
    /// Tells whether a carrier's answer is final: <c>delivered</c>, <c>undelivered</c>, <c>expired</c>,
    /// <c>rejected</c> or <c>failed</c>. False for in-flight states and anything else (<c>cancelled</c> never comes from a carrier).
    /// </summary>
    public static bool IsCarrierFinal(string? state) => state is Delivered or Undelivered or Expired or Rejected or Failed;

    /// <summary>Tells whether a message in <paramref name="state"/> is with the carrier and waits for receipts: <c>sent</c>, <c>accepted</c> or <c>unknown</c>.</summary>
    public static bool AwaitsReceipts(string state) => state is Sent or Accepted or Unknown;
}
