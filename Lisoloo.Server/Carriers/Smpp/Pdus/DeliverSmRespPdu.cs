namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>deliver_sm_resp</c> (section 4.6.2): one message_id. A peer that sends no body at all decodes with an empty
/// <see cref="MessageId"/>.
/// </summary>
internal sealed class DeliverSmRespPdu : Pdu
{
    public override CommandId CommandId => CommandId.DeliverSmResp;

    /// <summary>Unused in SMPP 3.4: left empty (a single NUL on the wire).</summary>
    public string MessageId { get; set; } = string.Empty;

    internal override int GetBodyLength() => PduWriter.SizeOfCString(MessageId, CStringSize.MessageId, "message_id");

    internal override void WriteBody(ref PduWriter writer) => writer.WriteCString(MessageId);

    internal override void ReadBody(ref PduReader reader)
    {
        if (!reader.IsAtEnd)
        {
            MessageId = reader.ReadCString("message_id");
        }
    }
}
