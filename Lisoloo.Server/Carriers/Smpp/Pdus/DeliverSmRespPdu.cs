namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>deliver_sm_resp</c> (section 4.6.2): message_id is unused and written empty.</summary>
internal sealed class DeliverSmRespPdu : MessageIdRespPdu
{
    public override CommandId CommandId => CommandId.DeliverSmResp;
}
