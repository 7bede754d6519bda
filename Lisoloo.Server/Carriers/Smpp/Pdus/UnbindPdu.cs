namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>unbind</c>: a request to end the session (section 4.2.1); no body.</summary>
internal sealed class UnbindPdu : Pdu
{
    public override CommandId CommandId => CommandId.Unbind;
}
