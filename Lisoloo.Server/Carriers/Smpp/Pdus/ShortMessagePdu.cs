namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// The body <c>submit_sm</c> and <c>deliver_sm</c> share (sections 4.4.1 and 4.6.1), fields in wire order. In a
/// deliver_sm the SMSC leaves the schedule, validity, replace and default-message fields empty.
/// </summary>
internal abstract class ShortMessagePdu : Pdu
{
    /// <summary>The most octets <see cref="ShortMessage"/> can hold; longer user data goes in <see cref="TlvTag.MessagePayload"/>.</summary>
    public const int MaxShortMessageLength = 254;

    /// <summary>At most 5 characters; empty for the SMSC default.</summary>
    public string ServiceType { get; set; } = string.Empty;

    public byte SourceAddrTon { get; set; }

    public byte SourceAddrNpi { get; set; }

    /// <summary>At most 20 characters.</summary>
    public string SourceAddr { get; set; } = string.Empty;

    public byte DestAddrTon { get; set; }

    public byte DestAddrNpi { get; set; }

    /// <summary>At most 20 characters.</summary>
    public string DestinationAddr { get; set; } = string.Empty;

    /// <summary>Message mode and type; bit 6 (0x40) says <see cref="ShortMessage"/> starts with a UDH, 0x04 marks a receipt.</summary>
    public byte EsmClass { get; set; }

    public byte ProtocolId { get; set; }

    public byte PriorityFlag { get; set; }

    /// <summary>Empty (immediate) or a 16-character absolute or relative SMPP time.</summary>
    public string ScheduleDeliveryTime { get; set; } = string.Empty;

    /// <summary>Empty (SMSC default) or a 16-character absolute or relative SMPP time.</summary>
    public string ValidityPeriod { get; set; } = string.Empty;

    /// <summary>Bits 0–1 ask for an SMSC delivery receipt (1 = on success or failure, 2 = on failure).</summary>
    public byte RegisteredDelivery { get; set; }

    public byte ReplaceIfPresentFlag { get; set; }

    /// <summary>The encoding of <see cref="ShortMessage"/> (0 SMSC default, 3 Latin-1, 8 UCS-2 …).</summary>
    public byte DataCoding { get; set; }

    public byte SmDefaultMsgId { get; set; }

    /// <summary>The user data (UDH included when <see cref="EsmClass"/> says so); sm_length is its length, at most 254.</summary>
    public byte[] ShortMessage { get; set; } = [];

    /// <summary>Optional parameters, in wire order.</summary>
    public List<Tlv> Tlvs { get; } = [];

    /// <summary>The first TLV with <paramref name="tag"/>.</summary>
    public bool TryGetTlv(ushort tag, out Tlv tlv) => Tlv.TryFind(Tlvs, tag, out tlv);

    /// <exception cref="ArgumentException">A string is too long, or <see cref="ShortMessage"/> exceeds 254 octets.</exception>
    internal override int GetBodyLength()
    {
        ArgumentNullException.ThrowIfNull(ShortMessage);
        if (ShortMessage.Length > MaxShortMessageLength)
        {
            throw new ArgumentException(
                $"short_message holds at most {MaxShortMessageLength} bytes ({ShortMessage.Length} given); "
                + "send longer user data in the message_payload TLV.",
                nameof(ShortMessage));
        }

        return PduWriter.SizeOfCString(ServiceType, CStringSize.ServiceType, "service_type")
            + PduWriter.SizeOfCString(SourceAddr, CStringSize.Address, "source_addr")
            + PduWriter.SizeOfCString(DestinationAddr, CStringSize.Address, "destination_addr")
            + PduWriter.SizeOfCString(ScheduleDeliveryTime, CStringSize.Time, "schedule_delivery_time")
            + PduWriter.SizeOfCString(ValidityPeriod, CStringSize.Time, "validity_period")
            + 12 // the one-octet fields, sm_length included
            + ShortMessage.Length
            + PduWriter.SizeOfTlvs(Tlvs);
    }

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(ServiceType);
        writer.WriteByte(SourceAddrTon);
        writer.WriteByte(SourceAddrNpi);
        writer.WriteCString(SourceAddr);
        writer.WriteByte(DestAddrTon);
        writer.WriteByte(DestAddrNpi);
        writer.WriteCString(DestinationAddr);
        writer.WriteByte(EsmClass);
        writer.WriteByte(ProtocolId);
        writer.WriteByte(PriorityFlag);
        writer.WriteCString(ScheduleDeliveryTime);
        writer.WriteCString(ValidityPeriod);
        writer.WriteByte(RegisteredDelivery);
        writer.WriteByte(ReplaceIfPresentFlag);
        writer.WriteByte(DataCoding);
        writer.WriteByte(SmDefaultMsgId);
        writer.WriteByte((byte)ShortMessage.Length);
        writer.WriteBytes(ShortMessage);
        writer.WriteTlvs(Tlvs);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        ServiceType = reader.ReadCString("service_type");
        SourceAddrTon = reader.ReadByte("source_addr_ton");
        SourceAddrNpi = reader.ReadByte("source_addr_npi");
        SourceAddr = reader.ReadCString("source_addr");
        DestAddrTon = reader.ReadByte("dest_addr_ton");
        DestAddrNpi = reader.ReadByte("dest_addr_npi");
        DestinationAddr = reader.ReadCString("destination_addr");
        EsmClass = reader.ReadByte("esm_class");
        ProtocolId = reader.ReadByte("protocol_id");
        PriorityFlag = reader.ReadByte("priority_flag");
        ScheduleDeliveryTime = reader.ReadCString("schedule_delivery_time");
        ValidityPeriod = reader.ReadCString("validity_period");
        RegisteredDelivery = reader.ReadByte("registered_delivery");
        ReplaceIfPresentFlag = reader.ReadByte("replace_if_present_flag");
        DataCoding = reader.ReadByte("data_coding");
        SmDefaultMsgId = reader.ReadByte("sm_default_msg_id");
        ShortMessage = reader.ReadShortMessage(reader.ReadByte("sm_length"));
        reader.ReadTlvs(Tlvs);
    }
}
