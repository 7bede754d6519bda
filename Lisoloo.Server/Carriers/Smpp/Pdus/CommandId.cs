namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// SMPP 3.4 command identifiers (section 5.1.2.1). A response carries its request's identifier with bit 31 set;
/// <see cref="GenericNack"/> is the one response without a request.
/// </summary>
internal enum CommandId : uint
{
    GenericNack = 0x8000_0000,
    BindReceiver = 0x0000_0001,
    BindReceiverResp = 0x8000_0001,
    BindTransmitter = 0x0000_0002,
    BindTransmitterResp = 0x8000_0002,
    QuerySm = 0x0000_0003,
    QuerySmResp = 0x8000_0003,
    SubmitSm = 0x0000_0004,
    SubmitSmResp = 0x8000_0004,
    DeliverSm = 0x0000_0005,
    DeliverSmResp = 0x8000_0005,
    Unbind = 0x0000_0006,
    UnbindResp = 0x8000_0006,
    ReplaceSm = 0x0000_0007,
    ReplaceSmResp = 0x8000_0007,
    CancelSm = 0x0000_0008,
    CancelSmResp = 0x8000_0008,
    BindTransceiver = 0x0000_0009,
    BindTransceiverResp = 0x8000_0009,
    Outbind = 0x0000_000B,
    EnquireLink = 0x0000_0015,
    EnquireLinkResp = 0x8000_0015,
    SubmitMulti = 0x0000_0021,
    SubmitMultiResp = 0x8000_0021,
    AlertNotification = 0x0000_0102,
    DataSm = 0x0000_0103,
    DataSmResp = 0x8000_0103,
}
