namespace Lisoloo.Server.Storage;

/// <summary>
/// What carriers that report later (SMPP) need: receipts matched to the parts each delivery was submitted as, wherever
/// (on whichever node) it was submitted, and inbound messages.
/// </summary>
internal interface ICarrierStore
{
    /// <summary>
    /// Applies part receipts from <paramref name="route"/> in one transaction: each updates its part, and a delivery
    /// moves when its parts say so. A receipt whose part is not stored yet is held and applied when the part is.
    /// Duplicates and receipts after a final one change nothing.
    /// </summary>
    Task<ReceiptApplyCounts> ApplyPartReceiptsAsync(string route, IReadOnlyList<PartReceipt> receipts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records inbound parts; a whole message (single, or the last missing part) becomes an <c>sms.received</c> event for
    /// the key that owns its destination. Returns how many whole messages were completed.
    /// </summary>
    Task<int> RecordInboundAsync(IReadOnlyList<(InboundPart Part, long? KeyId)> parts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> deliveries still <c>sent</c> or <c>accepted</c> whose receipt deadline passed,
    /// oldest first, each leased for <paramref name="lease"/> (another node or a later call does not take it meanwhile),
    /// with their parts.
    /// </summary>
    Task<IReadOnlyList<OverdueDelivery>> ClaimOverdueReceiptsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks deliveries still <c>sent</c> or <c>accepted</c> as <c>unknown</c> with error 1515, the given text and the
    /// carrier's words, and writes their <c>sms.unknown</c> events; no refund (they were submitted), no deadline again.
    /// A delivery that a receipt settled meanwhile is left alone. Returns how many changed.
    /// </summary>
    Task<int> ResolveWithoutReceiptAsync(IReadOnlyList<(long DeliveryId, string Message, string? CarrierError)> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Drops held receipts and inbound parts older than <paramref name="age"/> (their part or siblings never came).</summary>
    Task<int> PurgeCarrierLeftoversAsync(TimeSpan age, CancellationToken cancellationToken = default);
}
