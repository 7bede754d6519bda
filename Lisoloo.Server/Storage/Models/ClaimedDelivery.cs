namespace Lisoloo.Server.Storage;

/// <summary>A delivery claimed for hand-off to a carrier.</summary>
internal sealed record ClaimedDelivery(long DeliveryId, long SendId, string MessageId, string Recipient, string Body, string? SenderId, string Encoding, int Segments, string Environment, long CostMicros, long AccountId)
{
    /// <summary>The occurrence this delivery belongs to.</summary>
    public int Seq { get; init; } = 1;

    /// <summary>Parts (1-based) a carrier already acknowledged on an earlier attempt: never submitted again.</summary>
    public IReadOnlyCollection<int> AckedParts { get; init; } = [];

    /// <summary>Which hand-off attempt this claim is (1 for the first); a temporary refusal on the last allowed one fails the message (1519).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The dispatcher's lease on this row (null outside the dispatcher): a carrier checks it right before the message goes on the wire.</summary>
    public IDeliveryLease? Lease { get; init; }

    /// <summary>True unless the lease on this row ran out as this node counts it (another node may have claimed it).</summary>
    public bool LeaseHeld => Lease?.Holds(DeliveryId) ?? true;
}
