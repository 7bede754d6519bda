namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>unbind_resp</c>: the answer to an unbind (section 4.2.2); no body.</summary>
internal sealed class UnbindRespPdu : Pdu
{
    public override CommandId CommandId => CommandId.UnbindResp;
}
