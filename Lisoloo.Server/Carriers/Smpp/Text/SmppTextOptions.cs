namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>How GSM 03.38 septets travel in <c>short_message</c> when <c>data_coding</c> is 0x00.</summary>
internal enum Gsm7Packing
{
    /// <summary>One septet per octet, high bit clear: what most SMSCs expect over SMPP.</summary>
    Unpacked,

    /// <summary>
    /// Eight septets in seven octets (3GPP TS 23.038 §6.1.2.1), with fill bits after a user data header so the first
    /// septet starts on a septet boundary (3GPP TS 23.040 §9.2.3.24).
    /// </summary>
    Packed,
}

/// <summary>Which concatenation information element the user data header of a multipart message carries.</summary>
internal enum ConcatenationReference
{
    /// <summary>IEI 0x00, an 8-bit reference: a 6-octet header, 153 septets or 67 UCS-2 units per part.</summary>
    EightBit,

    /// <summary>IEI 0x08, a 16-bit reference: a 7-octet header, 152 septets or 66 UCS-2 units per part.</summary>
    SixteenBit,
}

/// <summary>How the SMPP bridge encodes outbound text; one per carrier connection.</summary>
/// <param name="Packing">How GSM-7 septets are laid out in <c>short_message</c>.</param>
/// <param name="Concatenation">The concatenation header of multipart messages.</param>
internal sealed record SmppTextOptions(
    Gsm7Packing Packing = Gsm7Packing.Unpacked,
    ConcatenationReference Concatenation = ConcatenationReference.EightBit);
