using System.Text.Json.Serialization;
using Lisoloo.Sdk.Serialization;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// The type of a webhook event, such as <c>sms.delivered</c>.
/// An open set: types this version does not know still parse, and compare by their text.
/// </summary>
[JsonConverter(typeof(WebhookEventTypeJsonConverter))]
public readonly struct WebhookEventType : IEquatable<WebhookEventType>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire text (compared case-insensitively).</summary>
    /// <param name="value">The wire text, e.g. <c>"sms.delivered"</c>.</param>
    public WebhookEventType(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToLowerInvariant();
    }

    /// <summary>The message was queued for the carrier.</summary>
    public static WebhookEventType SmsQueued { get; } = new("sms.queued");

    /// <summary>The message is being handed to the carrier.</summary>
    public static WebhookEventType SmsProcessing { get; } = new("sms.processing");

    /// <summary>The message was handed to the carrier.</summary>
    public static WebhookEventType SmsSent { get; } = new("sms.sent");

    /// <summary>The message was delivered to the handset.</summary>
    public static WebhookEventType SmsDelivered { get; } = new("sms.delivered");

    /// <summary>The message failed; the payload's <c>status</c> says how (undelivered, expired, rejected, failed).</summary>
    public static WebhookEventType SmsFailed { get; } = new("sms.failed");

    /// <summary>An inbound message was received.</summary>
    public static WebhookEventType SmsReceived { get; } = new("sms.received");

    /// <summary>
    /// The carrier cannot say what became of the message: it reported <c>UNKNOWN</c> (error 1514), or no final receipt came
    /// within the route's receipt deadline (1515). The payload's <c>status</c> is <c>unknown</c>; a later receipt may still settle it.
    /// </summary>
    public static WebhookEventType SmsUnknown { get; } = new("sms.unknown");

    /// <summary>Gets the wire text of this value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this version of the SDK knows this type.</summary>
    public bool IsKnown => Array.IndexOf(KnownValues, Value) >= 0;

    /// <summary>Gets the wire texts of the event types this version knows.</summary>
    public static IReadOnlyList<string> All => KnownValues;

    private static readonly string[] KnownValues =
    [
        "sms.queued", "sms.processing", "sms.sent", "sms.delivered", "sms.failed", "sms.received", "sms.unknown",
    ];

    /// <summary>Converts wire text into a value.</summary>
    /// <param name="value">The wire text.</param>
    public static implicit operator WebhookEventType(string value) => new(value);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when both have the same text.</returns>
    public static bool operator ==(WebhookEventType left, WebhookEventType right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when the texts differ.</returns>
    public static bool operator !=(WebhookEventType left, WebhookEventType right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(WebhookEventType other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WebhookEventType other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>JSON converter for <see cref="WebhookEventType"/>.</summary>
public sealed class WebhookEventTypeJsonConverter : StringValueJsonConverter<WebhookEventType>
{
    /// <inheritdoc />
    protected override WebhookEventType Create(string value) => new(value);

    /// <inheritdoc />
    protected override string GetValue(WebhookEventType value) => value.Value;
}
