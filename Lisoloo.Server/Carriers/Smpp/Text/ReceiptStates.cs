using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>Maps SMPP receipt states to the server's delivery states (<c>sent</c>, <c>delivered</c>, <c>undelivered</c>, …).</summary>
internal static class ReceiptStates
{
    /// <summary>The state of a receipt's <c>stat</c> field (SMPP 3.4 Appendix B), in any case.</summary>
    /// <param name="stat">The field as written: the 7-letter forms (<c>DELIVRD</c>, <c>UNDELIV</c>, <c>EXPIRED</c>,
    /// <c>REJECTD</c>, <c>DELETED</c>, <c>ACCEPTD</c>, <c>ENROUTE</c>, <c>UNKNOWN</c>) or the long forms some SMSCs write
    /// (<c>DELIVERED</c>, <c>UNDELIVERABLE</c>, <c>ACCEPTED</c>, <c>REJECTED</c>).</param>
    /// <returns>The server state, or null for anything else (the caller decides what an unknown word means).</returns>
    public static string? FromStat(string? stat) => stat?.Trim().ToUpperInvariant() switch
    {
        "DELIVRD" or "DELIVERED" => DeliveryStates.Delivered,
        "UNDELIV" or "UNDELIVERABLE" => DeliveryStates.Undelivered,
        "EXPIRED" => DeliveryStates.Expired,
        "REJECTD" or "REJECTED" => DeliveryStates.Rejected,
        "DELETED" => DeliveryStates.Failed,
        "ACCEPTD" or "ACCEPTED" => DeliveryStates.Accepted,
        "ENROUTE" => DeliveryStates.Sent,
        "UNKNOWN" => DeliveryStates.Unknown,
        _ => null,
    };

    /// <summary>The state of a <c>message_state</c> TLV (0x0427) or <c>query_sm_resp</c> value (SMPP 3.4 §5.2.28).</summary>
    /// <param name="messageState">1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED.</param>
    /// <returns>The server state, or null for any other value.</returns>
    public static string? FromMessageState(byte messageState) => messageState switch
    {
        1 => DeliveryStates.Sent,
        2 => DeliveryStates.Delivered,
        3 => DeliveryStates.Expired,
        4 => DeliveryStates.Failed,
        5 => DeliveryStates.Undelivered,
        6 => DeliveryStates.Accepted,
        7 => DeliveryStates.Unknown,
        8 => DeliveryStates.Rejected,
        _ => null,
    };
}
