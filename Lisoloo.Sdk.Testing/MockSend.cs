namespace Lisoloo.Sdk.Testing;

/// <summary>
/// A send the mock server accepted (<c>POST /send</c> answered 201), as your code sent it and as the server read it:
/// normalised recipients, counted segments, expanded schedule, price.
/// </summary>
public sealed record MockSend
{
    /// <summary>Gets the message id the 201 carried.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the kind of send: immediate, scheduled or recurring.</summary>
    public required SendingType SendingType { get; init; }

    /// <summary>Gets the recipients in E.164, after normalisation and de-duplication.</summary>
    public required IReadOnlyList<string> To { get; init; }

    /// <summary>Gets the message text.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the sender id, when one was given.</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the send's own webhook target, when one was given.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Gets the cancel window of an immediate send (0 when none).</summary>
    public TimeSpan CancelWithin { get; init; }

    /// <summary>Gets the SMS segments of one message.</summary>
    public required int Segments { get; init; }

    /// <summary>Gets the encoding the message needs.</summary>
    public required SmsEncoding Encoding { get; init; }

    /// <summary>Gets when each occurrence goes out (one for an immediate send: the end of its cancel window).</summary>
    public required IReadOnlyList<DateTimeOffset> Occurrences { get; init; }

    /// <summary>Gets the SMS billed: recipients × segments × occurrences.</summary>
    public required int TotalMessages { get; init; }

    /// <summary>Gets the price debited at submit.</summary>
    public required decimal TotalCost { get; init; }

    /// <summary>Gets the currency of <see cref="TotalCost"/>.</summary>
    public required string Currency { get; init; }

    /// <summary>Gets the <c>Idempotency-Key</c> header the request carried, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets when the send was accepted, on the mock's clock.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>Gets the request body exactly as it arrived (UTF-8 JSON).</summary>
    public required string RequestBody { get; init; }
}
