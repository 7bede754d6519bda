using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// A webhook event as Lisoloo delivers it: <c>{"id", "type", "created_at", "data"}</c>.
/// Parse one with <see cref="WebhookParser"/> or, together with its signature, with <see cref="WebhookVerifier.VerifyAndParse(Func{string, string?}, ReadOnlySpan{byte})"/>.
/// </summary>
public sealed record WebhookEvent
{
    /// <summary>Gets the event id (<c>evt_...</c>). It is stable across delivery retries: de-duplicate on it.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>Gets the event type, e.g. <see cref="WebhookEventType.SmsDelivered"/>.</summary>
    public WebhookEventType Type { get; init; }

    /// <summary>Gets when the event was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the event payload; never <see langword="null"/> after parsing.</summary>
    public WebhookEventData Data { get; init; } = new();
}

/// <summary>
/// The payload of a <see cref="WebhookEvent"/>: one recipient's transition, or an inbound message.
/// Fields this version does not know stay readable in <see cref="AdditionalProperties"/>.
/// </summary>
public sealed record WebhookEventData
{
    /// <summary>Gets the message id the event is about.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets the recipient (E.164), or for an inbound message the number it was sent to.</summary>
    public string? To { get; init; }

    /// <summary>Gets the sender of an inbound message (<c>sms.received</c>).</summary>
    public string? From { get; init; }

    /// <summary>Gets the recipient's status after the transition (for <c>sms.failed</c>, the precise failure state).</summary>
    public SmsStatus? Status { get; init; }

    /// <summary>Gets the recipient's status before the transition.</summary>
    public SmsStatus? PreviousStatus { get; init; }

    /// <summary>Gets the number of segments billed for the message.</summary>
    public int? Segments { get; init; }

    /// <summary>Gets the Lisoloo error code of a failure (see <see cref="LisolooErrorCodes"/>).</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Gets the human-readable description of a failure.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the carrier's own words for the outcome, when it gave any (e.g. <c>stat:UNDELIV err:001</c>, or <c>ESME_RINVDSTADR</c>).</summary>
    public string? CarrierError { get; init; }

    /// <summary>Gets when the transition happened.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>Gets the occurrence number of a recurring send.</summary>
    public int? Occurrence { get; init; }

    /// <summary>Gets the text of an inbound message (<c>sms.received</c>).</summary>
    public string? Text { get; init; }

    /// <summary>Gets the fields this version of the SDK does not model, by their wire name.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
