namespace Lisoloo.Server.Storage;

/// <summary>A send as <c>GET /status</c> shows it.</summary>
internal sealed record SendView(
    long SendId,
    string MessageId,
    string SendingType,
    string State,
    string Encoding,
    int Segments,
    string? SenderId,
    int TotalRecipients,
    int TotalMessages,
    long TotalCostMicros,
    long RefundedMicros,
    string Currency,
    long CreatedAt,
    IReadOnlyList<OccurrenceView> Occurrences,
    IReadOnlyList<DeliveryView> Deliveries,
    IReadOnlyList<string> Recipients)
{
    /// <summary>When the first (for immediate sends: the only) occurrence is due, unix ms.</summary>
    public long FirstSendAt { get; init; }
}
