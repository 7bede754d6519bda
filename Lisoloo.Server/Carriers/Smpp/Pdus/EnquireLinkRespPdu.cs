namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>enquire_link_resp</c>: the answer to an enquire_link (section 4.11.2); no body.</summary>
internal sealed class EnquireLinkRespPdu : Pdu
{
    public override CommandId CommandId => CommandId.EnquireLinkResp;
}
