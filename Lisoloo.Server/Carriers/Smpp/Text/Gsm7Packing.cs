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
