namespace Lisoloo.Server.Storage;

/// <summary>A delivery handed to a carrier that reports later, whose receipt deadline passed with no final receipt (leased to the caller).</summary>
/// <param name="DeliveryId">The delivery row.</param>
/// <param name="Recipient">Its destination (E.164).</param>
/// <param name="SenderId">The sender id it was submitted with, if any (a query names the message by it).</param>
/// <param name="Parts">Its parts, as stored.</param>
internal sealed record OverdueDelivery(long DeliveryId, string Recipient, string? SenderId, IReadOnlyList<OverduePart> Parts);
