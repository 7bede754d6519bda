namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>How the SMPP bridge encodes outbound text; one per carrier connection.</summary>
/// <param name="Packing">How GSM-7 septets are laid out in <c>short_message</c>.</param>
/// <param name="Concatenation">The concatenation header of multipart messages.</param>
internal sealed record SmppTextOptions(
    Gsm7Packing Packing = Gsm7Packing.Unpacked,
    ConcatenationReference Concatenation = ConcatenationReference.EightBit);
