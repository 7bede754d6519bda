// A minimal receiver for Lisoloo SMS webhooks.
//
// Run:   dotnet run --project samples/WebhookReceiver
// Point the key's webhook_url (or a send's callback_url) at http://127.0.0.1:5090/hooks/sms (5090: the reference
// server itself listens on 5080), e.g. dotnet run --project Lisoloo.Server -- keys create --merchant me --env test
//   --webhook-url http://127.0.0.1:5090/hooks/sms   and put the printed webhook_secret below.
// Put the real secret in user secrets or the environment, never in appsettings.json:
//   LisolooWebhooks__Secrets__0=whsec_...   (add Secrets__1 during a rotation)
using Lisoloo.Sdk.Webhooks;
using WebhookReceiver;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddLisolooWebhooks(builder.Configuration.GetSection("LisolooWebhooks"));

var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebhookReceiver");

app.MapLisolooWebhooks("/hooks/sms", (WebhookEvent evt, HttpContext http, CancellationToken ct) =>
{
    if (evt.Type == WebhookEventType.SmsReceived)
    {
        ReceiverLog.Inbound(logger, evt.Id, evt.Data.From, evt.Data.To, evt.Data.Text);
    }
    else
    {
        ReceiverLog.StatusChanged(logger, evt.Id, evt.Type.Value, evt.Data.MessageId, evt.Data.To, evt.Data.PreviousStatus?.Value, evt.Data.Status?.Value, evt.Data.ErrorCode);
    }

    // Throwing here answers 500: Lisoloo retries the same event later, and it is handled again.
    return Task.CompletedTask;
});

app.MapGet("/", () => "Lisoloo webhook receiver: POST events to /hooks/sms");

app.Run();

namespace WebhookReceiver
{
    internal static partial class ReceiverLog
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Event {EventId}: {EventType} for message {MessageId} to {To}: {PreviousStatus} -> {Status} (error {ErrorCode})")]
        public static partial void StatusChanged(ILogger logger, string eventId, string eventType, string? messageId, string? to, string? previousStatus, string? status, int? errorCode);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Event {EventId}: inbound SMS from {From} to {To}: {Text}")]
        public static partial void Inbound(ILogger logger, string eventId, string? from, string? to, string? text);
    }
}
