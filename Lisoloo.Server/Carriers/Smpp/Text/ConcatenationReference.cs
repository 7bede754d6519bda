namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>Which concatenation information element the user data header of a multipart message carries.</summary>
internal enum ConcatenationReference
{
    /// <summary>IEI 0x00, an 8-bit reference: a 6-octet header, 153 septets or 67 UCS-2 units per part.</summary>
    EightBit,

    /// <summary>IEI 0x08, a 16-bit reference: a 7-octet header, 152 septets or 66 UCS-2 units per part.</summary>
    SixteenBit,
}
