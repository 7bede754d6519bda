namespace Lisoloo.Server.Storage;

/// <summary>One inbound (MO) message or part of one, as the carrier delivered it.</summary>
/// <param name="Route">The connection it came on.</param>
/// <param name="Source">The sender (as the SMSC wrote it).</param>
/// <param name="Destination">The number or short code it was sent to.</param>
/// <param name="Text">The decoded text of this part.</param>
/// <param name="Reference">The concatenation reference, when it is one part of several.</param>
/// <param name="Total">How many parts the message has (1 when single).</param>
/// <param name="Sequence">This part's number (1-based).</param>
internal sealed record InboundPart(string Route, string Source, string Destination, string Text, int? Reference, int Total, int Sequence);
