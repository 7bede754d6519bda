namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>deliver_sm</c> (section 4.6.1): the SMSC delivers a mobile-originated message or, with esm_class 0x04, a
/// delivery receipt (text "id:… stat:…", usually with the receipted_message_id and message_state TLVs).
/// </summary>
internal sealed class DeliverSmPdu : ShortMessagePdu
{
    public override CommandId CommandId => CommandId.DeliverSm;
}
