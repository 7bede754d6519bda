namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>The SMPP bridge's log messages, with stable event ids (3000–3099). Passwords are never logged.</summary>
internal static partial class SmppLog
{
    [LoggerMessage(3000, LogLevel.Information, "SMPP {Session}: bound to {Host}:{Port} as {SystemId}")]
    public static partial void Bound(ILogger logger, string session, string host, int port, string systemId);

    [LoggerMessage(3001, LogLevel.Warning, "SMPP {Session}: connect or bind failed ({Reason}); retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string session, string reason, TimeSpan delay);

    [LoggerMessage(3002, LogLevel.Information, "SMPP {Session}: session closed ({Reason})")]
    public static partial void SessionClosed(ILogger logger, string session, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "SMPP {Session}: no response to request {Sequence} within {Timeout}; taking the link for dead")]
    public static partial void ResponseTimeout(ILogger logger, string session, uint sequence, TimeSpan timeout);

    [LoggerMessage(3004, LogLevel.Warning, "SMPP {Session}: PDU 0x{CommandId:X8} (sequence {Sequence}) could not be read: {Reason}")]
    public static partial void InvalidPdu(ILogger logger, string session, uint commandId, uint sequence, string reason);

    [LoggerMessage(3005, LogLevel.Error, "SMPP {Session}: framing lost ({Reason}); resetting the connection")]
    public static partial void FramingLost(ILogger logger, string session, string reason);

    [LoggerMessage(3006, LogLevel.Debug, "SMPP {Session}: response {CommandId} to unknown sequence {Sequence} ignored")]
    public static partial void UnexpectedResponse(ILogger logger, string session, string commandId, uint sequence);

    [LoggerMessage(3007, LogLevel.Warning, "SMPP {Session}: a deliver_sm could not be stored; answered with a temporary error")]
    public static partial void DeliverFailed(ILogger logger, string session, Exception exception);

    [LoggerMessage(3008, LogLevel.Debug, "SMPP {Session}: {CommandId} not written, the session is closed")]
    public static partial void DroppedWrite(ILogger logger, string session, string commandId);

    [LoggerMessage(3009, LogLevel.Information, "SMPP {Connection}: {Status}; pausing submits for {Delay}")]
    public static partial void Throttled(ILogger logger, string connection, string status, TimeSpan delay);

    [LoggerMessage(3010, LogLevel.Warning, "SMPP {Connection}: a receipt could not be read (esm_class 0x{EsmClass:X2}); acknowledged and dropped")]
    public static partial void UnreadableReceipt(ILogger logger, string connection, byte esmClass);

    [LoggerMessage(3011, LogLevel.Warning, "SMPP {Connection}: inbound message to {Destination} matches no inbound route; acknowledged and dropped")]
    public static partial void UnroutedInbound(ILogger logger, string connection, string destination);

    [LoggerMessage(3013, LogLevel.Warning, "SMPP: {Count} receipts and inbound messages could not be stored; their deliver_sm were answered with a temporary error")]
    public static partial void InboxFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(3012, LogLevel.Information, "SMPP {Connection}: unbinding")]
    public static partial void Unbinding(ILogger logger, string connection);

    [LoggerMessage(3014, LogLevel.Information, "SMPP: {Overdue} messages passed their receipt deadline: {Settled} settled by query_sm, {Unknown} now unknown (1515)")]
    public static partial void ReceiptDeadline(ILogger logger, int overdue, int settled, int unknown);
}
