namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>The decoded body of an inbound <c>deliver_sm</c> (or <c>data_sm</c>).</summary>
/// <param name="Text">The text of this PDU, header removed.</param>
/// <param name="Concatenation">The part's place in a concatenated message; null for a whole message.</param>
internal sealed record InboundText(string Text, ConcatenationInfo? Concatenation);
