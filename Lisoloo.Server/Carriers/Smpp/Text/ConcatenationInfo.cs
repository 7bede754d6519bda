namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>The concatenation information element of one part (3GPP TS 23.040 §9.2.3.24.1 and §9.2.3.24.8).</summary>
/// <param name="Reference">The reference shared by the parts of one message (8 or 16 bits).</param>
/// <param name="Total">How many parts the message has (1-255).</param>
/// <param name="Sequence">This part's number, from 1 to <paramref name="Total"/>.</param>
internal sealed record ConcatenationInfo(ushort Reference, byte Total, byte Sequence);
