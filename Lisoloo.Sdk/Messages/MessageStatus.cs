namespace Lisoloo.Sdk;

/// <summary>What <c>GET /status/{message_id}</c> answers: the aggregate state plus one row per recipient and occurrence.</summary>
public sealed record MessageStatus
{
    /// <summary>Gets the message id.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>Gets the aggregate status, derived from the recipients' states.</summary>
    public SmsStatus Status { get; init; }

    /// <summary>Gets how the send is timed.</summary>
    public SendingType SendingType { get; init; }

    /// <summary>Gets the text's encoding.</summary>
    public SmsEncoding? Encoding { get; init; }

    /// <summary>Gets the segments per copy of the message.</summary>
    public int? Segments { get; init; }

    /// <summary>Gets the sender id used.</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the number of distinct recipients.</summary>
    public int TotalRecipients { get; init; }

    /// <summary>Gets the number of SMS billed at submit.</summary>
    public int TotalMessages { get; init; }

    /// <summary>Gets the amount debited at submit.</summary>
    public decimal TotalCost { get; init; }

    /// <summary>Gets the amount refunded so far (cancelled, skipped or rejected before the carrier).</summary>
    public decimal RefundedAmount { get; init; }

    /// <summary>Gets the currency of the amounts.</summary>
    public string Currency { get; init; } = string.Empty;

    /// <summary>Gets when the send was accepted (UTC).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets the number of recipient rows in each state, keyed by the state's wire text.</summary>
    public IReadOnlyDictionary<string, int>? Counts { get; init; }

    /// <summary>Gets the occurrences of a scheduled or recurring send (one for an immediate send).</summary>
    public IReadOnlyList<OccurrenceStatus>? Occurrences { get; init; }

    /// <summary>Gets one row per recipient per occurrence.</summary>
    public IReadOnlyList<RecipientStatus> Recipients { get; init; } = [];
}

/// <summary>The state of one occurrence of a send.</summary>
public sealed record OccurrenceStatus
{
    /// <summary>Gets the occurrence's 1-based sequence number.</summary>
    public int Sequence { get; init; }

    /// <summary>Gets when the occurrence is due (UTC).</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>Gets the occurrence's aggregate state.</summary>
    public SmsStatus Status { get; init; }
}

/// <summary>The state of one recipient in one occurrence.</summary>
public sealed record RecipientStatus
{
    /// <summary>Gets the recipient, E.164.</summary>
    public string To { get; init; } = string.Empty;

    /// <summary>Gets the 1-based occurrence this row belongs to.</summary>
    public int Occurrence { get; init; } = 1;

    /// <summary>Gets the state.</summary>
    public SmsStatus Status { get; init; }

    /// <summary>Gets why the row failed or is in doubt: a delivery outcome code (1510–1549, named in LisolooErrorCodes), or 1502 on a row queued again after a temporary refusal.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Gets the human-readable description of the error code.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the carrier's own words for the outcome, when it gave any: the receipt's <c>stat:</c>/<c>err:</c> fields (<c>stat:UNDELIV err:001</c>) or the SMPP status of a refusal (<c>ESME_RINVDSTADR</c>). Null in the sandbox.</summary>
    public string? CarrierError { get; init; }

    /// <summary>Gets the segments this row is billed for.</summary>
    public int Segments { get; init; }

    /// <summary>Gets when the row last changed state (UTC).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Gets when the row entered each state it went through, keyed by the state's wire text.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset>? Timestamps { get; init; }
}
