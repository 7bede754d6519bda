namespace Lisoloo.Server.Storage;

/// <summary>One occurrence of a send.</summary>
internal sealed record OccurrenceView(int Seq, long DueAt, string State);
