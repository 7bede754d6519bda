namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>submit_sm</c> (section 4.4.1): the ESME submits one short message for delivery.</summary>
internal sealed class SubmitSmPdu : ShortMessagePdu
{
    public override CommandId CommandId => CommandId.SubmitSm;
}
