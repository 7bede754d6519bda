namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>The state of one configured SMSC connection, as <c>/health</c> shows it.</summary>
internal enum SmppConnectionState
{
    Connecting,
    Bound,
    Disconnected,
    Stopped,
}
