using System.Buffers.Binary;
using System.Text;

namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// Reads a PDU body (the bytes after the header, bounded by command_length) without throwing. The first field that
/// does not fit records <see cref="ErrorStatus"/> and <see cref="Error"/>; every later read returns a default value,
/// so a body reader is straight-line code and the codec checks <see cref="Failed"/> once at the end.
/// </summary>
internal ref struct PduReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    public PduReader(ReadOnlySpan<byte> body) => _body = body;

    /// <summary>True when every byte of the body has been read.</summary>
    public readonly bool IsAtEnd => _position >= _body.Length;

    /// <summary>The first failure's command_status (<see cref="CommandStatus.Ok"/> while none).</summary>
    public uint ErrorStatus { readonly get; private set; }

    /// <summary>The first failure, in words; null while none.</summary>
    public string? Error { readonly get; private set; }

    /// <summary>True once a field did not fit.</summary>
    public readonly bool Failed => Error is not null;

    /// <summary>An octet; a body that ends first is <see cref="CommandStatus.InvalidCommandLength"/>.</summary>
    public byte ReadByte(string field)
    {
        if (Failed)
        {
            return 0;
        }

        if (_position >= _body.Length)
        {
            Fail(CommandStatus.InvalidCommandLength, $"the PDU ends before {field}");
            return 0;
        }

        return _body[_position++];
    }

    /// <summary>
    /// A C-octet string (Latin-1), of any length as long as its NUL lies inside the PDU; otherwise
    /// <see cref="CommandStatus.InvalidCommandLength"/> (command_length does not cover the mandatory parameters).
    /// </summary>
    public string ReadCString(string field)
    {
        if (Failed)
        {
            return string.Empty;
        }

        var rest = _body[_position..];
        var nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            Fail(CommandStatus.InvalidCommandLength, $"{field} has no terminating NUL inside the PDU");
            return string.Empty;
        }

        _position += nul + 1;
        return nul == 0 ? string.Empty : Encoding.Latin1.GetString(rest[..nul]);
    }

    /// <summary>The <c>short_message</c> octets, <paramref name="length"/> of them (sm_length), bounded by the body.</summary>
    public byte[] ReadShortMessage(int length)
    {
        if (Failed)
        {
            return [];
        }

        var remaining = _body.Length - _position;
        if (length > remaining)
        {
            Fail(CommandStatus.InvalidMessageLength, $"sm_length {length} exceeds the {remaining} bytes left in the PDU");
            return [];
        }

        var bytes = _body.Slice(_position, length).ToArray();
        _position += length;
        return bytes;
    }

    /// <summary>
    /// The rest of the body as optional parameters, added to <paramref name="into"/> (or only checked, when null).
    /// 1 to 3 trailing bytes are <see cref="CommandStatus.InvalidOptionalParameterStream"/>; a length running past the
    /// PDU is <see cref="CommandStatus.InvalidParameterLength"/>.
    /// </summary>
    public void ReadTlvs(List<Tlv>? into)
    {
        while (!Failed && _position < _body.Length)
        {
            var rest = _body[_position..];
            if (rest.Length < 4)
            {
                Fail(CommandStatus.InvalidOptionalParameterStream, $"{rest.Length} trailing byte(s) are too few for a TLV header");
                return;
            }

            var tag = BinaryPrimitives.ReadUInt16BigEndian(rest);
            var length = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
            if (length > rest.Length - 4)
            {
                Fail(CommandStatus.InvalidParameterLength,
                    $"TLV 0x{tag:X4} has length {length} but only {rest.Length - 4} bytes remain");
                return;
            }

            into?.Add(new Tlv(tag, rest.Slice(4, length).ToArray()));
            _position += 4 + length;
        }
    }

    private void Fail(uint status, string error)
    {
        ErrorStatus = status;
        Error = error;
    }
}
