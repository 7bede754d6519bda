namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// The body <c>submit_sm_resp</c> and <c>deliver_sm_resp</c> share: one message_id. A refusal may come with no body
/// at all; it decodes with an empty <see cref="MessageId"/> (as does an empty body with status 0, which some SMSCs send).
/// </summary>
internal abstract class MessageIdRespPdu : Pdu
{
    /// <summary>The message id (at most 64 characters): the SMSC's id for an accepted submit; unused (empty) in <c>deliver_sm_resp</c>.</summary>
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
