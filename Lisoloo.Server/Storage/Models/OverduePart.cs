namespace Lisoloo.Server.Storage;

/// <summary>One stored part of an <see cref="OverdueDelivery"/>: its route, its id (normalised, and as written), and its state.</summary>
internal sealed record OverduePart(string Route, string SmscId, string? RawId, string State);
