using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;

namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// Frames and parses SMPP 3.4 PDUs: big-endian, length-prefixed, no sockets. Encoding throws
/// <see cref="ArgumentException"/> on fields the spec does not allow; decoding never throws and never allocates more
/// than the PDU it read, whatever the peer sends.
/// </summary>
internal static class PduCodec
{
    /// <summary>command_length, command_id, command_status, sequence_number: four octets each.</summary>
    public const int HeaderSize = 16;

    /// <summary>The largest command_length <see cref="Decode"/> accepts unless told otherwise.</summary>
    public const int DefaultMaxPduSize = 65_536;

    /// <summary>The encoded size of <paramref name="pdu"/>, header included (its command_length).</summary>
    /// <exception cref="ArgumentException">A field is longer than SMPP allows, or not Latin-1.</exception>
    public static int GetEncodedLength(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return HeaderSize + pdu.GetBodyLength();
    }

    /// <summary>The PDU's bytes, in a new array.</summary>
    /// <exception cref="ArgumentException">A field is longer than SMPP allows, or not Latin-1.</exception>
    public static byte[] Encode(Pdu pdu)
    {
        var length = GetEncodedLength(pdu);
        var bytes = new byte[length];
        Write(pdu, bytes);
        return bytes;
    }

    /// <summary>Writes the PDU at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">A field is invalid, or <paramref name="destination"/> is too small.</exception>
    public static int Encode(Pdu pdu, Span<byte> destination)
    {
        var length = GetEncodedLength(pdu);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The PDU needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        Write(pdu, destination[..length]);
        return length;
    }

    /// <summary>Appends the PDU to <paramref name="output"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">A field is longer than SMPP allows, or not Latin-1.</exception>
    public static int Encode(Pdu pdu, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var length = GetEncodedLength(pdu);
        Write(pdu, output.GetSpan(length)[..length]);
        output.Advance(length);
        return length;
    }

    /// <summary>
    /// Reads the PDU at the front of <paramref name="buffer"/>, if it is all there. See <see cref="DecodeStatus"/> for
    /// what the caller does with each outcome; <paramref name="maxPduSize"/> caps command_length so a peer cannot make
    /// the caller buffer more than that.
    /// </summary>
    public static DecodeResult Decode(ReadOnlySpan<byte> buffer, int maxPduSize = DefaultMaxPduSize)
    {
        if (buffer.Length < 4)
        {
            return new DecodeResult(DecodeStatus.NeedMoreData, null, 0, 0, 0, CommandStatus.Ok, null);
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        var commandId = buffer.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]) : 0;
        var sequence = buffer.Length >= HeaderSize ? BinaryPrimitives.ReadUInt32BigEndian(buffer[12..]) : 0;
        if (length < HeaderSize || length > (uint)Math.Max(maxPduSize, 0))
        {
            return new DecodeResult(DecodeStatus.FramingLost, null, 0, commandId, sequence, CommandStatus.InvalidCommandLength,
                $"command_length {length} is outside {HeaderSize}..{maxPduSize}");
        }

        if (buffer.Length < length)
        {
            return new DecodeResult(DecodeStatus.NeedMoreData, null, 0, commandId, sequence, CommandStatus.Ok, null);
        }

        var consumed = (int)length;
        var pdu = Create(commandId);
        if (pdu is null)
        {
            return new DecodeResult(DecodeStatus.Invalid, null, consumed, commandId, sequence, CommandStatus.InvalidCommandId,
                $"command_id 0x{commandId:X8} is not supported");
        }

        pdu.CommandStatus = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        pdu.SequenceNumber = sequence;
        var reader = new PduReader(buffer[HeaderSize..consumed]);
        pdu.ReadBody(ref reader);
        reader.ReadTlvs(null); // what a body leaves (PDUs that keep no TLVs) must still be a well-formed TLV stream
        return reader.Failed
            ? new DecodeResult(DecodeStatus.Invalid, null, consumed, commandId, sequence, reader.ErrorStatus, reader.Error)
            : new DecodeResult(DecodeStatus.Complete, pdu, consumed, commandId, sequence, CommandStatus.Ok, null);
    }

    /// <summary>An empty PDU for a command this codec reads; null for the rest (query_sm, data_sm, submit_multi …).</summary>
    private static Pdu? Create(uint commandId) => (CommandId)commandId switch
    {
        CommandId.GenericNack => new GenericNackPdu(),
        CommandId.BindTransmitter or CommandId.BindReceiver or CommandId.BindTransceiver => new BindPdu((CommandId)commandId),
        CommandId.BindTransmitterResp or CommandId.BindReceiverResp or CommandId.BindTransceiverResp =>
            new BindRespPdu((CommandId)commandId),
        CommandId.Outbind => new OutbindPdu(),
        CommandId.SubmitSm => new SubmitSmPdu(),
        CommandId.SubmitSmResp => new SubmitSmRespPdu(),
        CommandId.DeliverSm => new DeliverSmPdu(),
        CommandId.DeliverSmResp => new DeliverSmRespPdu(),
        CommandId.QuerySm => new QuerySmPdu(),
        CommandId.QuerySmResp => new QuerySmRespPdu(),
        CommandId.EnquireLink => new EnquireLinkPdu(),
        CommandId.EnquireLinkResp => new EnquireLinkRespPdu(),
        CommandId.Unbind => new UnbindPdu(),
        CommandId.UnbindResp => new UnbindRespPdu(),
        _ => null,
    };

    private static void Write(Pdu pdu, Span<byte> destination)
    {
        var writer = new PduWriter(destination);
        writer.WriteUInt32((uint)destination.Length);
        writer.WriteUInt32((uint)pdu.CommandId);
        writer.WriteUInt32(pdu.CommandStatus);
        writer.WriteUInt32(pdu.SequenceNumber);
        pdu.WriteBody(ref writer);
        Debug.Assert(writer.Position == destination.Length, "GetBodyLength and WriteBody disagree");
    }
}
