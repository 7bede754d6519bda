namespace Lisoloo.Server.Lifecycle;

/// <summary>The facts an action needs about a send, as a store reads them under the send's lock.</summary>
/// <param name="Id">The send's row.</param>
/// <param name="AccountId">The account it was charged to.</param>
/// <param name="Type">Its sending type (<c>immediate</c>, <c>scheduled</c>, <c>recurring</c>).</param>
/// <param name="State">Its state (<c>active</c>, <c>paused</c>, <c>cancelled</c>).</param>
/// <param name="Recipients">Recipients per occurrence.</param>
/// <param name="Segments">Segments per message.</param>
/// <param name="UnitPriceMicros">The price of one segment, in micros.</param>
/// <param name="Currency">The account's currency.</param>
internal sealed record ActionSend(long Id, long AccountId, string Type, string State, int Recipients, int Segments, long UnitPriceMicros, string Currency);
