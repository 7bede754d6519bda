namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary><c>outbind</c> (section 4.1.7): the SMSC asks the ESME to bind as a receiver; it has no response.</summary>
internal sealed class OutbindPdu : Pdu
{
    public override CommandId CommandId => CommandId.Outbind;

    /// <summary>The SMSC's identity (at most 15 characters).</summary>
    public string SystemId { get; set; } = string.Empty;

    /// <summary>At most 8 characters.</summary>
    public string Password { get; set; } = string.Empty;

    internal override int GetBodyLength() =>
        PduWriter.SizeOfCString(SystemId, CStringSize.SystemId, "system_id")
        + PduWriter.SizeOfCString(Password, CStringSize.Password, "password");

    internal override void WriteBody(ref PduWriter writer)
    {
        writer.WriteCString(SystemId);
        writer.WriteCString(Password);
    }

    internal override void ReadBody(ref PduReader reader)
    {
        SystemId = reader.ReadCString("system_id");
        Password = reader.ReadCString("password");
    }
}
