namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// <c>bind_transmitter</c>, <c>bind_receiver</c> or <c>bind_transceiver</c> (sections 4.1.1, 4.1.3, 4.1.5): the
/// three share one body.
/// </summary>
internal sealed class BindPdu : Pdu
{
    /// <summary>interface_version for SMPP 3.4.</summary>
    public const byte Version34 = 0x34;

    /// <summary>A bind of the given kind.</summary>
    /// <exception cref="ArgumentException"><paramref name="commandId"/> is not one of the three bind requests.</exception>
    public BindPdu(CommandId commandId)
    {
        if (commandId is not (CommandId.BindTransmitter or CommandId.BindReceiver or CommandId.BindTransceiver))
        {
            throw new ArgumentException($"{commandId} is not a bind request.", nameof(commandId));
        }

        CommandId = commandId;
    }

    public override CommandId CommandId { get; }

    /// <summary>The ESME's identity (at most 15 characters).</summary>
    public string SystemId { get; set; } = string.Empty;

    /// <summary>At most 8 characters.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>The kind of ESME, when the SMSC asks for one (at most 12 characters).</summary>
    public string SystemType { get; set; } = string.Empty;

    public byte InterfaceVersion { get; set; } = Version34;

    public byte AddrTon { get; set; }

    public byte AddrNpi { get; set; }

    /// <summary>The addresses this ESME serves, as a regular expression (at most 40 characters).</summary>
    public string AddressRange { get; set; } = string.Empty;

    internal override int GetBodyLength() =>
        PduWriter.SizeOfCString(SystemId, CStringSize.SystemId, "system_id")
        + PduWriter.SizeOfCString(Password, CStringSize.Password, "password")
        + PduWriter.SizeOfCString(SystemType, CStringSize.SystemType, "system_type")
        + 3
        + PduWriter.SizeOfCString(AddressRange, CStringSize.AddressRange, "address_range");

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(SystemId);
        writer.WriteCString(Password);
        writer.WriteCString(SystemType);
        writer.WriteByte(InterfaceVersion);
        writer.WriteByte(AddrTon);
        writer.WriteByte(AddrNpi);
        writer.WriteCString(AddressRange);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        SystemId = reader.ReadCString("system_id");
        Password = reader.ReadCString("password");
        SystemType = reader.ReadCString("system_type");
        InterfaceVersion = reader.ReadByte("interface_version");
        AddrTon = reader.ReadByte("addr_ton");
        AddrNpi = reader.ReadByte("addr_npi");
        AddressRange = reader.ReadCString("address_range");
    }
}
