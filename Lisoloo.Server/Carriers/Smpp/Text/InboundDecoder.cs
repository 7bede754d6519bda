using System.Text;

namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>Decodes the <c>short_message</c> of inbound PDUs (MO messages, receipts). Never throws on malformed input.</summary>
internal static class InboundDecoder
{
    private enum Alphabet
    {
        Gsm7,
        Ascii,
        Latin1,
        Ucs2,
    }

    /// <summary>Decodes a <c>short_message</c>.</summary>
    /// <param name="dataCoding">
    /// The PDU's <c>data_coding</c>. SMPP 3.4 values: 0x00 GSM 03.38, 0x01 IA5 (ASCII; other bytes become '?'),
    /// 0x03 Latin-1, 0x08 UCS-2 (big-endian; a stray last octet becomes U+FFFD), 0x02 and 0x04 8-bit data (read as
    /// Latin-1). 0x10-0xFF are read as 3GPP TS 23.038 data coding schemes (SMSCs pass the handset's DCS through, e.g.
    /// 0x10 or 0x18 for a flash message, 0xF0-0xF7): their alphabet bits choose GSM 03.38, 8-bit or UCS-2. Anything
    /// else, and compressed text, is read as Latin-1.
    /// </param>
    /// <param name="udhi">The <c>esm_class</c> UDHI flag (0x40): the octets start with a user data header.</param>
    /// <param name="shortMessage">The octets.</param>
    /// <param name="packing">How this connection's SMSC lays GSM 03.38 septets out.</param>
    /// <returns>
    /// <para>
    /// The text and, when the header carries a valid concatenation element (IEI 0x00 or 0x08, total and sequence not 0,
    /// sequence not above total), the part's place; other elements are skipped. A header whose length or element
    /// lengths run past the octets is not a header: the whole <paramref name="shortMessage"/> is decoded as text.
    /// </para>
    /// <para>
    /// Packed GSM 03.38: the septet count is derived from the octet count, and a carriage return that ends the message
    /// exactly on an octet boundary is dropped as padding (3GPP TS 23.038 §6.1.2.3.1), which is how <see cref="Gsm7.Pack"/>
    /// pads. A trailing '@' (septet 0x00) is kept: compliant senders never pad with zeros. The one text that does not come
    /// back is a part that really ends in CR on an octet boundary; unpacked, every text comes back.
    /// </para>
    /// </returns>
    public static InboundText Decode(byte dataCoding, bool udhi, ReadOnlySpan<byte> shortMessage, Gsm7Packing packing)
    {
        var headerLength = 0;
        ConcatenationInfo? concatenation = null;
        if (udhi && TryReadHeader(shortMessage, out var length, out var info))
        {
            headerLength = length;
            concatenation = info;
        }

        var body = shortMessage[headerLength..];
        var text = AlphabetOf(dataCoding) switch
        {
            Alphabet.Gsm7 => packing == Gsm7Packing.Packed
                ? DecodePacked(body, Gsm7.FillBits(headerLength))
                : Gsm7.FromSeptets(body),
            Alphabet.Ascii => Encoding.ASCII.GetString(body),
            Alphabet.Ucs2 => DecodeUcs2(body),
            _ => Encoding.Latin1.GetString(body),
        };
        return new InboundText(text, concatenation);
    }

    /// <summary>
    /// Reads a user data header: its length in octets (UDHL + 1) and the first valid concatenation element. False when
    /// the header is malformed (empty input, or a length running past the octets).
    /// </summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> message, out int length, out ConcatenationInfo? concatenation)
    {
        length = 0;
        concatenation = null;
        if (message.IsEmpty || message[0] + 1 > message.Length)
        {
            return false;
        }

        var header = message[1..(message[0] + 1)];
        var at = 0;
        while (at < header.Length)
        {
            if (at + 2 > header.Length || at + 2 + header[at + 1] > header.Length)
            {
                return false;
            }

            var data = header.Slice(at + 2, header[at + 1]);
            concatenation ??= header[at] switch
            {
                0x00 when data.Length == 3 => ValidConcatenation(data[0], data[1], data[2]),
                0x08 when data.Length == 4 => ValidConcatenation((ushort)((data[0] << 8) | data[1]), data[2], data[3]),
                _ => null,
            };
            at += 2 + data.Length;
        }

        length = header.Length + 1;
        return true;
    }

    /// <summary>The element, or null when 23.040 says to ignore it (total or sequence 0, sequence above total).</summary>
    private static ConcatenationInfo? ValidConcatenation(ushort reference, byte total, byte sequence) =>
        total == 0 || sequence == 0 || sequence > total ? null : new ConcatenationInfo(reference, total, sequence);

    private static Alphabet AlphabetOf(byte dataCoding) => dataCoding switch
    {
        0x00 => Alphabet.Gsm7,
        0x01 => Alphabet.Ascii,
        0x08 => Alphabet.Ucs2,
        < 0x10 => Alphabet.Latin1,

        // 23.038 general data coding (00xx xxxx) and automatic deletion (01xx xxxx) groups: bit 5 = compressed,
        // bits 3-2 = alphabet (00 GSM 7-bit, 01 8-bit, 10 UCS-2).
        < 0x80 when (dataCoding & 0x20) != 0 => Alphabet.Latin1,
        < 0x80 => ((dataCoding >> 2) & 0x03) switch
        {
            0 => Alphabet.Gsm7,
            2 => Alphabet.Ucs2,
            _ => Alphabet.Latin1,
        },

        // Message waiting indication groups: discard / store in GSM 7-bit, store in UCS-2.
        >= 0xC0 and < 0xE0 => Alphabet.Gsm7,
        >= 0xE0 and < 0xF0 => Alphabet.Ucs2,

        // Data coding / message class: bit 2 = 8-bit data, else GSM 7-bit.
        >= 0xF0 => (dataCoding & 0x04) != 0 ? Alphabet.Latin1 : Alphabet.Gsm7,
        _ => Alphabet.Latin1,
    };

    private static string DecodePacked(ReadOnlySpan<byte> packed, int fillBits)
    {
        var bits = (packed.Length * 8) - fillBits;
        if (bits < 7)
        {
            return string.Empty;
        }

        var count = bits / 7;
        var septets = Gsm7.Unpack(packed, count, fillBits);
        if (bits % 7 == 0 && septets[^1] == Gsm7.CarriageReturn)
        {
            count--;
        }

        return Gsm7.FromSeptets(septets.AsSpan(0, count));
    }

    private static string DecodeUcs2(ReadOnlySpan<byte> octets)
    {
        var chars = new char[(octets.Length + 1) / 2];
        for (var i = 0; i + 1 < octets.Length; i += 2)
        {
            chars[i / 2] = (char)((octets[i] << 8) | octets[i + 1]);
        }

        if (octets.Length % 2 != 0)
        {
            chars[^1] = '\uFFFD';
        }

        return new string(chars);
    }
}
