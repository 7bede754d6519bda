namespace Lisoloo.Server.Api;

/// <summary>The API's log messages, with stable event ids (4200–4299). Keys, bodies and secrets are never logged.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(4200, LogLevel.Error, "Unhandled error for {Method} {Path} ({RequestId})")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string? path, string requestId);
}
