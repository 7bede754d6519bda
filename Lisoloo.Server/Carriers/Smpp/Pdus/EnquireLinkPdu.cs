namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>enquire_link</c>: a link check (section 4.11.1); no body.</summary>
internal sealed class EnquireLinkPdu : Pdu
{
    public override CommandId CommandId => CommandId.EnquireLink;
}
