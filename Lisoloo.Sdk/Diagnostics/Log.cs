using Microsoft.Extensions.Logging;

namespace Lisoloo.Sdk;

/// <summary>The SDK's log events, with stable ids. None of them carries the API key.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Lisoloo {Operation} {Method} {Path} answered {Status} in {ElapsedMs} ms (request id {RequestId}, key {Key})")]
    public static partial void RequestCompleted(ILogger logger, string operation, string method, string path, int status, long elapsedMs, string? requestId, string key);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Lisoloo {Operation} failed: {Kind} (status {Status}, error code {ErrorCode}, request id {RequestId}, key {Key})")]
    public static partial void RequestFailed(ILogger logger, string operation, LisolooFailureKind kind, int status, int? errorCode, string? requestId, string key, Exception? exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Lisoloo retry {Attempt} of {Method} {Path} in {DelayMs} ms after {Outcome}")]
    public static partial void Retrying(ILogger logger, int attempt, string method, string path, long delayMs, string outcome);
}
