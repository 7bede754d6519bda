namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// An SMPP 3.4 protocol data unit: the 16-octet header (command_length, command_id, command_status,
/// sequence_number) and a body each subclass reads and writes in spec order. <see cref="PduCodec"/> frames them;
/// command_length is never stored, it is computed on encode.
/// </summary>
internal abstract class Pdu
{
    /// <summary>Bit 31 of command_id: set on every response.</summary>
    internal const uint ResponseBit = 0x8000_0000;

    /// <summary>What this PDU is.</summary>
    public abstract CommandId CommandId { get; }

    /// <summary>The outcome in a response (see <see cref="Pdus.CommandStatus"/>); 0 in a request.</summary>
    public uint CommandStatus { get; set; }

    /// <summary>Pairs a response with its request; the requester chooses it (1 … 0x7FFFFFFF).</summary>
    public uint SequenceNumber { get; set; }

    /// <summary>True for responses (bit 31 of the command id).</summary>
    public bool IsResponse => ((uint)CommandId & ResponseBit) != 0;

    /// <summary>The header, for logs (bodies can hold passwords and message text, so they are left out).</summary>
    public override string ToString() =>
        $"{CommandId} seq={SequenceNumber} status={Pdus.CommandStatus.Name(CommandStatus)}";

    /// <summary>The body's encoded size; validates every field (see <see cref="PduWriter.SizeOfCString"/>).</summary>
    internal virtual int GetBodyLength() => 0;

    /// <summary>Writes the body; called only after <see cref="GetBodyLength"/> accepted the fields.</summary>
    internal virtual void WriteBody(ref PduWriter writer)
    {
    }

    /// <summary>Reads the mandatory parameters (and the TLVs, for PDUs that keep them) from the body.</summary>
    internal virtual void ReadBody(ref PduReader reader)
    {
    }
}
