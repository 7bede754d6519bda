using Lisoloo.Sdk.Webhooks;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Sdk.AspNetCore.Internal;

/// <summary>The webhook endpoint's log events, with stable ids. None carries a secret, a credential or a signature.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Lisoloo webhook refused on {Path}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, WebhookVerificationFailure reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Lisoloo webhook body on {Path} is malformed: {Detail}")]
    public static partial void Malformed(ILogger logger, string path, string detail);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Lisoloo webhook body on {Path} is larger than {MaxBodySize} bytes")]
    public static partial void TooLarge(ILogger logger, string path, long maxBodySize);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Lisoloo webhook event {EventId} ({EventType}) already processed; acknowledged without calling the handler")]
    public static partial void Duplicate(ILogger logger, string eventId, string eventType);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Lisoloo webhook event {EventId} ({EventType}) handled, verified with {Scheme}")]
    public static partial void Handled(ILogger logger, string eventId, string eventType, WebhookSignatureScheme scheme);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Lisoloo webhook handler failed for event {EventId} ({EventType}); answered 500 so the sender retries")]
    public static partial void HandlerFailed(ILogger logger, string eventId, string eventType, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Lisoloo webhook handler answered {StatusCode} for event {EventId} ({EventType}); not remembered as processed")]
    public static partial void HandlerRefused(ILogger logger, string eventId, string eventType, int statusCode);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Lisoloo webhook request for event {EventId} aborted by the client")]
    public static partial void Aborted(ILogger logger, string eventId);
}
