using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;

namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// The event a transition emits and its payload: the webhook event envelope of docs/contract.md, written once when the
/// transition is stored, so every attempt carries the same bytes. Which transitions emit which type is decided here.
/// </summary>
internal static class EventPayload
{
    /// <summary>The API's JSON writing (relaxed escaping: <c>+</c> and non-ASCII text as they are), so a payload reads like an API answer.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event type for a recipient reaching <paramref name="status"/>; null when the state has no event.</summary>
    public static string? TypeFor(string status) => status switch
    {
        DeliveryStates.Queued => WebhookEventType.SmsQueued.Value,
        DeliveryStates.Processing => WebhookEventType.SmsProcessing.Value,
        DeliveryStates.Sent => WebhookEventType.SmsSent.Value,
        DeliveryStates.Delivered => WebhookEventType.SmsDelivered.Value,
        DeliveryStates.Undelivered or DeliveryStates.Expired or DeliveryStates.Rejected or DeliveryStates.Failed => WebhookEventType.SmsFailed.Value,
        DeliveryStates.Unknown => WebhookEventType.SmsUnknown.Value,
        _ => null,
    };

    /// <summary>True when a key subscribed to <paramref name="type"/>: a null or empty subscription means every type.</summary>
    public static bool Subscribed(string? subscription, string type)
    {
        if (string.IsNullOrWhiteSpace(subscription))
        {
            return true;
        }

        foreach (var part in subscription.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(part, type, StringComparison.OrdinalIgnoreCase) || part == "*")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A new event id: <c>evt_</c> and 24 lowercase hex characters, time-ordered (see <see cref="Storage.TimeOrderedId"/>).</summary>
    public static string NewEventId(long nowMs) => Storage.TimeOrderedId.New(nowMs, 12, "evt_");

    /// <summary>The UTF-8 JSON body of one event.</summary>
    public static byte[] Write(string eventId, string type, long nowMs, string messageId, string to, string status, string previous, int segments,
        int? errorCode, string? errorMessage, int occurrence, string? senderId, string? carrierError = null)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(nowMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id"u8, eventId);
            w.WriteString("type"u8, type);
            w.WriteString("created_at"u8, at);
            w.WriteStartObject("data"u8);
            w.WriteString("message_id"u8, messageId);
            w.WriteString("to"u8, to);
            if (senderId is not null)
            {
                w.WriteString("from"u8, senderId);
            }

            w.WriteString("status"u8, status);
            w.WriteString("previous_status"u8, previous);
            w.WriteNumber("segments"u8, segments);
            if (errorCode is { } code)
            {
                w.WriteNumber("error_code"u8, code);
            }
            else
            {
                w.WriteNull("error_code"u8);
            }

            if (errorMessage is not null)
            {
                w.WriteString("error_message"u8, errorMessage);
            }

            if (carrierError is not null)
            {
                w.WriteString("carrier_error"u8, carrierError);
            }

            w.WriteNumber("occurrence"u8, occurrence);
            w.WriteString("occurred_at"u8, at);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The UTF-8 JSON body of an <c>sms.received</c> event: an inbound message to <paramref name="to"/> (the number or
    /// short code it was sent to) from <paramref name="from"/>, re-assembled when it came in parts.
    /// </summary>
    public static byte[] WriteReceived(string eventId, long nowMs, string messageId, string to, string from, string text, int segments)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (text.Length * 2));
        var at = DateTimeOffset.FromUnixTimeMilliseconds(nowMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id"u8, eventId);
            w.WriteString("type"u8, WebhookEventType.SmsReceived.Value);
            w.WriteString("created_at"u8, at);
            w.WriteStartObject("data"u8);
            w.WriteString("message_id"u8, messageId);
            w.WriteString("to"u8, to);
            w.WriteString("from"u8, from);
            w.WriteString("status"u8, "received");
            w.WriteString("text"u8, text);
            w.WriteNumber("segments"u8, segments);
            w.WriteString("occurred_at"u8, at);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
