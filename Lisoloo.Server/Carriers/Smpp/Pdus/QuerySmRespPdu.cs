namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>query_sm_resp</c> (section 4.8.2): the message's id, its final date (empty while it is not final), its
/// <c>message_state</c> (section 5.2.28: 1 ENROUTE … 8 REJECTED) and the network's error code. A refusal (e.g.
/// <c>ESME_RQUERYFAIL</c>) may come with no body at all; it decodes with empty fields.
/// </summary>
internal sealed class QuerySmRespPdu : Pdu
{
    public override CommandId CommandId => CommandId.QuerySmResp;

    /// <summary>The message id the query named.</summary>
    public string MessageId { get; set; } = string.Empty;

    /// <summary>When the message reached its final state (SMPP absolute time), or empty.</summary>
    public string FinalDate { get; set; } = string.Empty;

    /// <summary>The message's state (section 5.2.28); 0 when the answer has no body.</summary>
    public byte MessageState { get; set; }

    /// <summary>The network's error code for a failed message; 0 otherwise.</summary>
    public byte ErrorCode { get; set; }

    internal override int GetBodyLength() =>
        PduWriter.SizeOfCString(MessageId, CStringSize.MessageId, "message_id") + PduWriter.SizeOfCString(FinalDate, CStringSize.Time, "final_date") + 2;

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(MessageId);
        writer.WriteCString(FinalDate);
        writer.WriteByte(MessageState);
        writer.WriteByte(ErrorCode);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        if (reader.IsAtEnd)
        {
            return;
        }

        MessageId = reader.ReadCString("message_id");
        FinalDate = reader.ReadCString("final_date");
        MessageState = reader.ReadByte("message_state");
        ErrorCode = reader.ReadByte("error_code");
    }
}
