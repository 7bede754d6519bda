namespace Lisoloo.Sdk;

/// <summary>What <c>DELETE /cancel</c>, <c>POST /pause</c> and <c>POST /resume</c> answer.</summary>
public sealed record MessageActionResult
{
    /// <summary>Gets the message id.</summary>
    public string MessageId { get; init; } = string.Empty;

    /// <summary>Gets the aggregate status after the action.</summary>
    public SmsStatus Status { get; init; }

    /// <summary>Gets the SMS refunded by this action (cancelled, or occurrences skipped on resume).</summary>
    public int RefundedMessages { get; init; }

    /// <summary>Gets the amount refunded by this action.</summary>
    public decimal RefundedAmount { get; init; }

    /// <summary>Gets the currency of <see cref="RefundedAmount"/>.</summary>
    public string Currency { get; init; } = string.Empty;

    /// <summary>Gets the occurrences skipped because their time passed while paused (resume only).</summary>
    public int? SkippedOccurrences { get; init; }
}
