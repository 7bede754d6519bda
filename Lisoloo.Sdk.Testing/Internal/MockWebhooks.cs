using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Sdk.Testing.Internal;

/// <summary>Writes a <see cref="WebhookEvent"/> as the reference server writes its events (<see cref="EventPayload"/>).</summary>
internal static class MockWebhooks
{
    /// <summary>The event's id (a new one when it has none) and its UTF-8 JSON body.</summary>
    public static (string EventId, byte[] Body) Write(WebhookEvent webhookEvent, DateTimeOffset now)
    {
        var data = webhookEvent.Data ?? new WebhookEventData();
        var at = (webhookEvent.CreatedAt == default ? now : webhookEvent.CreatedAt).ToUnixTimeMilliseconds();
        var eventId = string.IsNullOrEmpty(webhookEvent.Id) ? EventPayload.NewEventId(at) : webhookEvent.Id;
        var messageId = data.MessageId ?? throw Missing(nameof(WebhookEventData.MessageId));
        var to = data.To ?? throw Missing(nameof(WebhookEventData.To));
        if (webhookEvent.Type == WebhookEventType.SmsReceived)
        {
            return (eventId, EventPayload.WriteReceived(eventId, at, messageId, to, data.From ?? throw Missing(nameof(WebhookEventData.From)),
                data.Text ?? throw Missing(nameof(WebhookEventData.Text)), data.Segments ?? 1));
        }

        var status = data.Status?.Value is { Length: > 0 } s ? s : throw Missing(nameof(WebhookEventData.Status));
        return (eventId, EventPayload.Write(eventId, webhookEvent.Type.Value, at, messageId, to, status, data.PreviousStatus?.Value ?? string.Empty,
            data.Segments ?? 1, data.ErrorCode, data.ErrorMessage, data.Occurrence ?? 1, data.From, data.CarrierError));
    }

    private static ArgumentException Missing(string member)
        => new($"The webhook event needs Data.{member} for its type.", "webhookEvent");
}
