namespace Lisoloo.Server.Configuration;

/// <summary>How a connection binds: one transceiver session, or a transmitter and a receiver.</summary>
internal enum SmppBindMode
{
    /// <summary>One <c>bind_transceiver</c> session carries submits, receipts and MO messages.</summary>
    Transceiver,

    /// <summary>A <c>bind_transmitter</c> session for submits and a <c>bind_receiver</c> session for receipts and MO messages.</summary>
    Pair,
}
