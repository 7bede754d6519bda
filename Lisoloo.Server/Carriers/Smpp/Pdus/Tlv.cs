using System.Buffers.Binary;
using System.Text;

namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// One optional parameter (section 5.3): a 2-octet tag, a 2-octet length and that many octets of value, all
/// big-endian. Equality compares <see cref="Value"/> by reference, as records do with arrays.
/// </summary>
internal readonly record struct Tlv(ushort Tag, byte[] Value)
{
    /// <summary>The largest value a TLV can carry (its length field is 16 bits).</summary>
    public const int MaxValueLength = ushort.MaxValue;

    /// <summary>A C-octet string value: the Latin-1 (ASCII) characters of <paramref name="value"/> and a terminating NUL.</summary>
    /// <exception cref="ArgumentException">The value holds a NUL or a character above U+00FF, or is too long for a TLV.</exception>
    public static Tlv FromCString(ushort tag, string value)
    {
        var bytes = new byte[PduWriter.SizeOfCString(value, MaxValueLength, "TLV value")];
        Encoding.Latin1.GetBytes(value, bytes);
        return new Tlv(tag, bytes);
    }

    /// <summary>A one-octet value.</summary>
    public static Tlv FromByte(ushort tag, byte value) => new(tag, [value]);

    /// <summary>A two-octet big-endian value.</summary>
    public static Tlv FromUInt16(ushort tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return new Tlv(tag, bytes);
    }

    /// <summary>An opaque value (copied).</summary>
    /// <exception cref="ArgumentException">The value is longer than <see cref="MaxValueLength"/>.</exception>
    public static Tlv FromBytes(ushort tag, ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxValueLength)
        {
            throw new ArgumentException(
                $"A TLV value holds at most {MaxValueLength} bytes; this one has {value.Length}.", nameof(value));
        }

        return new Tlv(tag, value.ToArray());
    }

    /// <summary>The value as a Latin-1 string, up to its first NUL or its end (lenient: a missing NUL is accepted).</summary>
    public string GetCString()
    {
        var value = Value.AsSpan();
        var nul = value.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul < 0 ? value : value[..nul]);
    }

    /// <summary>The value as one octet.</summary>
    /// <exception cref="InvalidOperationException">The value is not exactly one octet long.</exception>
    public byte GetByte() => TryGetByte(out var value)
        ? value
        : throw new InvalidOperationException($"TLV 0x{Tag:X4} has {Value?.Length ?? 0} bytes, not 1.");

    /// <summary>The value as a big-endian 16-bit integer.</summary>
    /// <exception cref="InvalidOperationException">The value is not exactly two octets long.</exception>
    public ushort GetUInt16() => TryGetUInt16(out var value)
        ? value
        : throw new InvalidOperationException($"TLV 0x{Tag:X4} has {Value?.Length ?? 0} bytes, not 2.");

    /// <summary>The value as one octet, when it is exactly one octet long (for values read from a peer).</summary>
    public bool TryGetByte(out byte value)
    {
        var ok = Value is { Length: 1 };
        value = ok ? Value![0] : default;
        return ok;
    }

    /// <summary>The value as a big-endian 16-bit integer, when it is exactly two octets long (for values read from a peer).</summary>
    public bool TryGetUInt16(out ushort value)
    {
        var ok = Value is { Length: 2 };
        value = ok ? BinaryPrimitives.ReadUInt16BigEndian(Value) : default;
        return ok;
    }

    /// <summary>The first TLV in <paramref name="tlvs"/> with <paramref name="tag"/>.</summary>
    internal static bool TryFind(List<Tlv> tlvs, ushort tag, out Tlv tlv)
    {
        foreach (var candidate in tlvs)
        {
            if (candidate.Tag == tag)
            {
                tlv = candidate;
                return true;
            }
        }

        tlv = default;
        return false;
    }
}
