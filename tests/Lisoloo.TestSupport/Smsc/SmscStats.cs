using System.Text.Json.Serialization;

namespace Lisoloo.TestSupport.Smsc;

/// <summary>The test SMSC's counters since its last reset (<c>GET /stats</c>), and its current binds.</summary>
public sealed class SmscStats
{
    /// <summary>Gets the sessions bound right now.</summary>
    [JsonPropertyName("binds")]
    public IReadOnlyList<SmscBind> Binds { get; init; } = [];

    /// <summary>Gets the number of open SMPP connections, bound or not.</summary>
    [JsonPropertyName("sessions")]
    public int Sessions { get; init; }

    /// <summary>Gets the number of deliver_sm (receipts and MO) queued for want of a receiver bind.</summary>
    [JsonPropertyName("pendingDeliveries")]
    public int PendingDeliveries { get; init; }

    /// <summary>Gets the number of submit_sm held unanswered right now (<c>holdResponses</c>).</summary>
    [JsonPropertyName("heldNow")]
    public int HeldNow { get; init; }

    /// <summary>Gets the number of submit_sm received, whatever became of them.</summary>
    [JsonPropertyName("submits")]
    public int Submits { get; init; }

    /// <summary>Gets the number of submit_sm accepted (answered with ESME_ROK and an id).</summary>
    [JsonPropertyName("accepted")]
    public int Accepted { get; init; }

    /// <summary>Gets the number of submit_sm answered with an error status.</summary>
    [JsonPropertyName("refused")]
    public int Refused { get; init; }

    /// <summary>Gets the number of submit_sm left unanswered because the SMSC was <c>silent</c>.</summary>
    [JsonPropertyName("ignored")]
    public int Ignored { get; init; }

    /// <summary>Gets the number of submit_sm that were held (<c>holdResponses</c>), released or not.</summary>
    [JsonPropertyName("held")]
    public int Held { get; init; }

    /// <summary>Gets the number of held submit_sm discarded by a drop (never answered).</summary>
    [JsonPropertyName("discardedHeld")]
    public int DiscardedHeld { get; init; }

    /// <summary>Gets the number of receipt deliver_sm written (redeliveries included).</summary>
    [JsonPropertyName("receiptsSent")]
    public int ReceiptsSent { get; init; }

    /// <summary>Gets the number of receipt deliver_sm answered with ESME_ROK.</summary>
    [JsonPropertyName("receiptsAcked")]
    public int ReceiptsAcked { get; init; }

    /// <summary>Gets the number of MO deliver_sm written (redeliveries included).</summary>
    [JsonPropertyName("moSent")]
    public int MoSent { get; init; }

    /// <summary>Gets the number of MO deliver_sm answered with ESME_ROK.</summary>
    [JsonPropertyName("moAcked")]
    public int MoAcked { get; init; }

    /// <summary>Gets the number of deliver_sm answered with an error status (or a generic_nack).</summary>
    [JsonPropertyName("deliverSmRespErrors")]
    public int DeliverSmRespErrors { get; init; }

    /// <summary>Gets the number of deliver_sm queued again because their connection closed before they were answered.</summary>
    [JsonPropertyName("redelivered")]
    public int Redelivered { get; init; }

    /// <summary>Gets the number of enquire_link received.</summary>
    [JsonPropertyName("enquireLinksReceived")]
    public int EnquireLinksReceived { get; init; }

    /// <summary>Gets the number of unbind received.</summary>
    [JsonPropertyName("unbindsReceived")]
    public int UnbindsReceived { get; init; }

    /// <summary>Gets the number of bind requests received.</summary>
    [JsonPropertyName("bindAttempts")]
    public int BindAttempts { get; init; }

    /// <summary>Gets the number of bind requests refused.</summary>
    [JsonPropertyName("bindsRefused")]
    public int BindsRefused { get; init; }

    /// <summary>Gets the number of query_sm received.</summary>
    [JsonPropertyName("queries")]
    public int Queries { get; init; }
}

/// <summary>A session bound to the test SMSC.</summary>
public sealed class SmscBind
{
    /// <summary>Gets the SMSC's id for the session (the <see cref="SmscMessage.Session"/> of what it submitted).</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>Gets the bind type: <c>transceiver</c>, <c>transmitter</c> or <c>receiver</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = string.Empty;

    /// <summary>Gets the system_id it bound with.</summary>
    [JsonPropertyName("system_id")]
    public string SystemId { get; init; } = string.Empty;
}
