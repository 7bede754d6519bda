namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>generic_nack</c>: the answer to a PDU that could not be parsed or whose command id is unknown (section 4.3.1);
/// no body, the reason is in command_status.
/// </summary>
internal sealed class GenericNackPdu : Pdu
{
    public override CommandId CommandId => CommandId.GenericNack;
}
