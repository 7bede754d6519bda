namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>query_sm</c> (section 4.8.1): asks the SMSC for the state of a message it accepted, named by the id its
/// <c>submit_sm_resp</c> gave and by the source address the message was submitted with.
/// </summary>
internal sealed class QuerySmPdu : Pdu
{
    public override CommandId CommandId => CommandId.QuerySm;

    /// <summary>The SMSC's message id, exactly as its <c>submit_sm_resp</c> wrote it (at most 64 characters).</summary>
    public string MessageId { get; set; } = string.Empty;

    /// <summary>The TON of <see cref="SourceAddr"/>, as in the <c>submit_sm</c>.</summary>
    public byte SourceAddrTon { get; set; }

    /// <summary>The NPI of <see cref="SourceAddr"/>, as in the <c>submit_sm</c>.</summary>
    public byte SourceAddrNpi { get; set; }

    /// <summary>The source address the message was submitted with (at most 20 characters).</summary>
    public string SourceAddr { get; set; } = string.Empty;

    internal override int GetBodyLength() =>
        PduWriter.SizeOfCString(MessageId, CStringSize.MessageId, "message_id") + 2 + PduWriter.SizeOfCString(SourceAddr, CStringSize.Address, "source_addr");

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(MessageId);
        writer.WriteByte(SourceAddrTon);
        writer.WriteByte(SourceAddrNpi);
        writer.WriteCString(SourceAddr);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        MessageId = reader.ReadCString("message_id");
        SourceAddrTon = reader.ReadByte("source_addr_ton");
        SourceAddrNpi = reader.ReadByte("source_addr_npi");
        SourceAddr = reader.ReadCString("source_addr");
    }
}
