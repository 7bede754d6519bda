using System.Buffers.Binary;
using Lisoloo.Sdk;

namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>
/// Encodes message text for SMPP 3.4 <c>submit_sm</c>: GSM 03.38 when every character allows it, else UCS-2; split into
/// concatenated parts, each with a 3GPP TS 23.040 user data header, when the text does not fit one SMS.
/// </summary>
internal static class SmsEncoder
{
    /// <summary>SMPP <c>data_coding</c> of the SMSC default alphabet, taken as GSM 03.38.</summary>
    public const byte DataCodingGsm7 = 0x00;

    /// <summary>SMPP <c>data_coding</c> of UCS-2 (ISO/IEC 10646).</summary>
    public const byte DataCodingUcs2 = 0x08;

    /// <summary>The most parts a concatenated message can have (the total is one octet).</summary>
    public const int MaxParts = 255;

    /// <summary>Septets per part behind the 7-octet header of <see cref="ConcatenationReference.SixteenBit"/>.</summary>
    public const int SixteenBitGsm7PartSeptets = 152;

    /// <summary>UCS-2 units per part behind the 7-octet header of <see cref="ConcatenationReference.SixteenBit"/>.</summary>
    public const int SixteenBitUcs2PartUnits = 66;

    /// <summary>Encodes a message text.</summary>
    /// <param name="text">The text, as billed.</param>
    /// <param name="options">Packing and concatenation header of the connection.</param>
    /// <param name="reference">
    /// The concatenation reference, the same in every part and different between messages in flight to one handset;
    /// only its low byte is sent with <see cref="ConcatenationReference.EightBit"/>.
    /// </param>
    /// <returns>
    /// <para>
    /// One part without a header when the text fits one SMS (160 septets or 70 UCS-2 units); empty text gives one empty
    /// part. Otherwise parts of UDHL, IEI, IEDL, reference (1 or 2 octets, most significant first), total, sequence
    /// (from 1), then the payload. The encoding is chosen by <see cref="SmsSegments.IsGsm7"/>.
    /// </para>
    /// <para>
    /// With <see cref="ConcatenationReference.EightBit"/> the parts are exactly those of <see cref="SmsSegments.Split"/>,
    /// the ones billed. With <see cref="ConcatenationReference.SixteenBit"/> the header is one octet longer, so a part holds
    /// 152 septets or 66 units (same rules: an escape pair or a surrogate pair is never split) and a long text may need
    /// more parts than were billed.
    /// </para>
    /// <para>
    /// Packed GSM-7 and UCS-2 parts fit 140 octets; an unpacked GSM-7 part is its header plus one octet per septet (at
    /// most 160 octets, within <c>short_message</c>'s 254).
    /// </para>
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The text needs more than <see cref="MaxParts"/> parts.</exception>
    public static EncodedSms Encode(string text, SmppTextOptions options, ushort reference)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var gsm = SmsSegments.IsGsm7(text);
        var dataCoding = gsm ? DataCodingGsm7 : DataCodingUcs2;
        var pieces = options.Concatenation == ConcatenationReference.EightBit
            ? SmsSegments.Split(text)
            : SplitSixteenBit(text, gsm);
        if (pieces.Count <= 1)
        {
            return new EncodedSms(dataCoding, false, [Payload(text, gsm, options.Packing, fillBits: 0)]);
        }

        if (pieces.Count > MaxParts)
        {
            throw new ArgumentException($"The text needs {pieces.Count} parts; a concatenated SMS has at most {MaxParts}.", nameof(text));
        }

        var header = Header(options.Concatenation, reference, (byte)pieces.Count);
        var fillBits = Gsm7.FillBits(header.Length);
        var parts = new byte[pieces.Count][];
        for (var i = 0; i < parts.Length; i++)
        {
            var payload = Payload(pieces[i], gsm, options.Packing, fillBits);
            var part = new byte[header.Length + payload.Length];
            header.CopyTo(part, 0);
            part[header.Length - 1] = (byte)(i + 1);
            payload.CopyTo(part, header.Length);
            parts[i] = part;
        }

        return new EncodedSms(dataCoding, true, parts);
    }

    /// <summary>The user data header with a zero sequence number (its last octet, set per part).</summary>
    private static byte[] Header(ConcatenationReference kind, ushort reference, byte total) =>
        kind == ConcatenationReference.EightBit
            ? [0x05, 0x00, 0x03, (byte)reference, total, 0]
            : [0x06, 0x08, 0x04, (byte)(reference >> 8), (byte)reference, total, 0];

    private static byte[] Payload(string text, bool gsm, Gsm7Packing packing, int fillBits)
    {
        if (!gsm)
        {
            var bytes = new byte[text.Length * 2];
            for (var i = 0; i < text.Length; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 2), text[i]);
            }

            return bytes;
        }

        var septets = Gsm7.ToSeptets(text);
        return packing == Gsm7Packing.Packed ? Gsm7.Pack(septets, fillBits) : septets;
    }

    /// <summary>
    /// Splits as <see cref="SmsSegments.Split"/> does, with the smaller parts of the 16-bit reference header: one part up
    /// to 160 septets or 70 units, else parts of at most 152 septets or 66 units, never splitting an escape pair or a
    /// surrogate pair.
    /// </summary>
    private static List<string> SplitSixteenBit(string text, bool gsm)
    {
        var units = 0;
        foreach (var c in text)
        {
            units += gsm ? SmsSegments.GetSeptetLength(c) : 1;
        }

        if (units <= (gsm ? SmsSegments.Gsm7SingleSegmentSeptets : SmsSegments.Ucs2SingleSegmentUnits))
        {
            return [text];
        }

        var perPart = gsm ? SixteenBitGsm7PartSeptets : SixteenBitUcs2PartUnits;
        var parts = new List<string>();
        var start = 0;
        var used = 0;
        var i = 0;
        while (i < text.Length)
        {
            var chars = 1;
            int cost;
            if (gsm)
            {
                cost = SmsSegments.GetSeptetLength(text[i]);
            }
            else
            {
                cost = 1;
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    chars = 2;
                    cost = 2;
                }
            }

            if (used + cost > perPart)
            {
                parts.Add(text[start..i]);
                start = i;
                used = 0;
            }

            used += cost;
            i += chars;
        }

        parts.Add(text[start..]);
        return parts;
    }
}
