using System.Buffers.Binary;
using System.Text;

namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// Writes a PDU, big-endian, into a span the codec sized with <see cref="PduCodec.GetEncodedLength"/>. Field checks
/// (lengths, characters) happen while sizing, in the <c>SizeOf…</c> helpers, so writing never fails halfway.
/// </summary>
internal ref struct PduWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public PduWriter(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    /// <summary>A string checked by <see cref="SizeOfCString"/>, as Latin-1 plus NUL.</summary>
    public void WriteCString(string value)
    {
        _position += Encoding.Latin1.GetBytes(value, _buffer[_position..]);
        _buffer[_position++] = 0;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>TLVs checked by <see cref="SizeOfTlvs"/>.</summary>
    public void WriteTlvs(List<Tlv> tlvs)
    {
        foreach (var tlv in tlvs)
        {
            var value = tlv.Value ?? [];
            WriteUInt16(tlv.Tag);
            WriteUInt16((ushort)value.Length);
            WriteBytes(value);
        }
    }

    /// <summary>The encoded size of a C-octet string (its characters and the NUL).</summary>
    /// <exception cref="ArgumentException">
    /// Longer than <paramref name="maxSize"/> octets with the NUL, or holding a NUL or a character above U+00FF.
    /// </exception>
    public static int SizeOfCString(string value, int maxSize, string field)
    {
        ArgumentNullException.ThrowIfNull(value, field);
        if (value.Length + 1 > maxSize)
        {
            throw new ArgumentException($"{field} is {value.Length} characters; SMPP allows at most {maxSize - 1}.", field);
        }

        if (value.AsSpan().IndexOfAnyExceptInRange('\u0001', '\u00FF') >= 0)
        {
            throw new ArgumentException($"{field} holds a NUL or a character outside Latin-1.", field);
        }

        return value.Length + 1;
    }

    /// <summary>The encoded size of a TLV list (4 header octets plus the value, each).</summary>
    /// <exception cref="ArgumentException">
    /// A value is longer than <see cref="Tlv.MaxValueLength"/>, or the sum is too large for a PDU.
    /// </exception>
    public static int SizeOfTlvs(List<Tlv> tlvs)
    {
        ArgumentNullException.ThrowIfNull(tlvs);
        long size = 0;
        foreach (var tlv in tlvs)
        {
            var length = tlv.Value?.Length ?? 0;
            if (length > Tlv.MaxValueLength)
            {
                throw new ArgumentException(
                    $"TLV 0x{tlv.Tag:X4} holds {length} bytes; a TLV holds at most {Tlv.MaxValueLength}.", nameof(tlvs));
            }

            size += 4 + length;
        }

        return size <= int.MaxValue - PduCodec.HeaderSize - 1024
            ? (int)size
            : throw new ArgumentException("The TLVs are too large for one PDU.", nameof(tlvs));
    }
}
