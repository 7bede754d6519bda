namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>submit_sm_resp</c> (section 4.4.2): the SMSC's id for the accepted message, which its receipts quote.</summary>
internal sealed class SubmitSmRespPdu : MessageIdRespPdu
{
    public override CommandId CommandId => CommandId.SubmitSmResp;
}
