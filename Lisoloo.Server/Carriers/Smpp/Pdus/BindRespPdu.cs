namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>bind_transmitter_resp</c>, <c>bind_receiver_resp</c> or <c>bind_transceiver_resp</c> (sections 4.1.2, 4.1.4,
/// 4.1.6): the SMSC's system_id and, optionally, the <see cref="TlvTag.ScInterfaceVersion"/> TLV. A refusal may come
/// with no body at all; it decodes with an empty <see cref="SystemId"/>.
/// </summary>
internal sealed class BindRespPdu : Pdu
{
    /// <summary>A bind response of the given kind.</summary>
    /// <exception cref="ArgumentException"><paramref name="commandId"/> is not one of the three bind responses.</exception>
    public BindRespPdu(CommandId commandId)
    {
        if (commandId is not (CommandId.BindTransmitterResp or CommandId.BindReceiverResp or CommandId.BindTransceiverResp))
        {
            throw new ArgumentException($"{commandId} is not a bind response.", nameof(commandId));
        }

        CommandId = commandId;
    }

    public override CommandId CommandId { get; }

    /// <summary>The SMSC's identity (at most 15 characters).</summary>
    public string SystemId { get; set; } = string.Empty;

    /// <summary>Optional parameters, in wire order (SMPP 3.4 defines only sc_interface_version here).</summary>
    public List<Tlv> Tlvs { get; } = [];

    /// <summary>The first TLV with <paramref name="tag"/>.</summary>
    public bool TryGetTlv(ushort tag, out Tlv tlv) => Tlv.TryFind(Tlvs, tag, out tlv);

    internal override int GetBodyLength() =>
        PduWriter.SizeOfCString(SystemId, CStringSize.SystemId, "system_id") + PduWriter.SizeOfTlvs(Tlvs);

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(SystemId);
        writer.WriteTlvs(Tlvs);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        if (reader.IsAtEnd)
        {
            return;
        }

        SystemId = reader.ReadCString("system_id");
        reader.ReadTlvs(Tlvs);
    }
}
