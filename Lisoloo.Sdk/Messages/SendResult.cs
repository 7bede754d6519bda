namespace Lisoloo.Sdk;

/// <summary>What <c>POST /send</c> answers (201): the accepted send and what it was billed.</summary>
public sealed record SendResult
{
    /// <summary>Gets the message id: 24 lowercase hexadecimal characters.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>Gets the number of distinct recipients after normalisation.</summary>
    public int TotalRecipients { get; init; }

    /// <summary>Gets the number of SMS billed: recipients × segments × occurrences.</summary>
    public int TotalMessages { get; init; }

    /// <summary>Gets the amount debited (reserved) from the balance.</summary>
    public decimal TotalCost { get; init; }

    /// <summary>Gets the ISO 4217 currency of <see cref="TotalCost"/>.</summary>
    public string Currency { get; init; } = string.Empty;

    /// <summary>Gets the aggregate status: <c>pending</c>, or <c>scheduled</c> for future sends.</summary>
    public SmsStatus Status { get; init; }

    /// <summary>Gets how the send is timed (<c>instant</c> is answered as <c>immediate</c>).</summary>
    public SendingType SendingType { get; init; }

    /// <summary>Gets the number of segments one copy of the message takes.</summary>
    public int? Segments { get; init; }

    /// <summary>Gets the encoding the message is sent in.</summary>
    public SmsEncoding? Encoding { get; init; }

    /// <summary>Gets the number of occurrences (1 for an immediate send).</summary>
    public int? Occurrences { get; init; }

    /// <summary>Gets when the first occurrence goes out (UTC).</summary>
    public DateTimeOffset? FirstSendAt { get; init; }
}
