namespace Lisoloo.Sdk;

/// <summary>The offline price of a would-be send, as computed by <see cref="SmsCost.Estimate(IEnumerable{string}, string, int, decimal)"/>.</summary>
public sealed record CostEstimate
{
    /// <summary>Gets the number of distinct recipients after E.164 normalisation.</summary>
    public int TotalRecipients { get; init; }

    /// <summary>Gets the number of segments one copy of the message takes.</summary>
    public int Segments { get; init; }

    /// <summary>Gets the encoding the message is sent in.</summary>
    public SmsEncoding Encoding { get; init; }

    /// <summary>Gets the number of occurrences (1 for an immediate send).</summary>
    public int Occurrences { get; init; }

    /// <summary>Gets the number of SMS billed: recipients × segments × occurrences.</summary>
    public int TotalMessages { get; init; }

    /// <summary>Gets the cost: <see cref="TotalMessages"/> × unit price, exact (no rounding).</summary>
    public decimal TotalCost { get; init; }
}
