namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>submit_sm_resp</c> (section 4.4.2): one message_id. A refusal may come with no body at all; it decodes with an
/// empty <see cref="MessageId"/> (as does an empty body with status 0, which some SMSCs send).
/// </summary>
internal sealed class SubmitSmRespPdu : Pdu
{
    public override CommandId CommandId => CommandId.SubmitSmResp;

    /// <summary>The SMSC's id for the accepted message, which its delivery receipts quote (at most 64 characters).</summary>
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
