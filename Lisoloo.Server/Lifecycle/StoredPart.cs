namespace Lisoloo.Server.Lifecycle;

/// <summary>One part of a message as its store keeps it: the message's part count, the part's state and the carrier's words.</summary>
/// <param name="Parts">How many parts the message has.</param>
/// <param name="State">The part's state (<see cref="DeliveryStates"/>).</param>
/// <param name="Detail">The carrier's own words about it (a receipt's <c>err:</c>), when it gave any.</param>
internal readonly record struct StoredPart(int Parts, string State, string? Detail);
