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
        "DELIVRD" or "DELIVERED" => "delivered",
        "UNDELIV" or "UNDELIVERABLE" => "undelivered",
        "EXPIRED" => "expired",
        "REJECTD" or "REJECTED" => "rejected",
        "DELETED" => "failed",
        "ACCEPTD" or "ACCEPTED" => "accepted",
        "ENROUTE" => "sent",
        "UNKNOWN" => "unknown",
        _ => null,
    };

    /// <summary>The state of a <c>message_state</c> TLV (0x0427) or <c>query_sm_resp</c> value (SMPP 3.4 §5.2.28).</summary>
    /// <param name="messageState">1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED.</param>
    /// <returns>The server state, or null for any other value.</returns>
    public static string? FromMessageState(byte messageState) => messageState switch
    {
        1 => "sent",
        2 => "delivered",
        3 => "expired",
        4 => "failed",
        5 => "undelivered",
        6 => "accepted",
        7 => "unknown",
        8 => "rejected",
        _ => null,
    };

    /// <summary>Tells whether a server state is final: <c>delivered</c>, <c>undelivered</c>, <c>expired</c>, <c>rejected</c> or <c>failed</c>.</summary>
    /// <param name="state">A server state, as returned by <see cref="FromStat"/> or <see cref="FromMessageState"/>.</param>
    /// <returns>False for in-flight states (<c>sent</c>, <c>accepted</c>, <c>unknown</c>) and anything else.</returns>
    public static bool IsFinal(string? state) =>
        state is "delivered" or "undelivered" or "expired" or "rejected" or "failed";
}
