namespace Lisoloo.Server.Storage;

/// <summary>What a carrier said about one submitted delivery.</summary>
/// <param name="DeliveryId">The delivery row.</param>
/// <param name="Accepted">True when the carrier took the message (state <c>sent</c>).</param>
/// <param name="CarrierRef">The carrier's message id.</param>
/// <param name="ErrorCode">Why it was refused, when it was.</param>
/// <param name="ErrorMessage">Human text for the refusal.</param>
/// <param name="ReceiptState">A receipt the carrier announces now (sandbox) to apply at <paramref name="ReceiptAt"/>.</param>
/// <param name="ReceiptAt">When the announced receipt is due (unix ms).</param>
/// <param name="Retryable">A refusal that should be tried again later rather than failing the message.</param>
internal sealed record SubmitResult(long DeliveryId, bool Accepted, string? CarrierRef, int? ErrorCode, string? ErrorMessage, string? ReceiptState, long ReceiptAt, bool Retryable = false)
{
    /// <summary>
    /// Parts the carrier acknowledged, each with its own carrier message id (SMPP); receipts are matched by them. Stored
    /// for accepted results, and for retryable ones too, so the acknowledged parts are not submitted again.
    /// </summary>
    public IReadOnlyList<CarrierPart>? Parts { get; init; }

    /// <summary>The route the parts went through (SMPP: the connection's receipt scope, one per SMSC account): their ids are unique per route.</summary>
    public string? Route { get; init; }

    /// <summary>
    /// A retryable result for a message none of whose parts went on the wire because the server was stopping: due again
    /// at once (on any node, or after the restart) rather than after <c>Workers:RetryDelay</c>.
    /// </summary>
    public bool RetryNow { get; init; }

    /// <summary>
    /// What the carrier keeps taken until this result is stored (SMPP: the connection's unrecorded-parts slots); the
    /// dispatcher disposes it once the store has the result, or has failed to take it.
    /// </summary>
    public IDisposable? Hold { get; init; }

    /// <summary>The carrier's own words for a refusal (SMPP: the <c>command_status</c> name, e.g. <c>ESME_RINVDSTADR</c>), kept as <c>carrier_error</c>.</summary>
    public string? CarrierError { get; init; }

    /// <summary>
    /// When an accepted row is next due (its <c>due_at</c> in <c>sent</c>): the announced receipt's time (sandbox), the
    /// receipt deadline a carrier that reports later gave in <see cref="ReceiptAt"/> without a receipt state (SMPP),
    /// else never.
    /// </summary>
    public long SentDueAt => ReceiptState is not null || ReceiptAt > 0 ? ReceiptAt : long.MaxValue;

    /// <summary>
    /// The lease on the row ran out before (some of) it went on the wire, so this node gave it up: nothing about the row
    /// changes but its acknowledged <see cref="Parts"/>, stored so that no claim submits them again.
    /// </summary>
    public bool LeaseLost { get; init; }
}
