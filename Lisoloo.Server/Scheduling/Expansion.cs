namespace Lisoloo.Server.Scheduling;

/// <summary>What a schedule expands to.</summary>
/// <param name="Occurrences">The future instants, ascending, at most the cap.</param>
/// <param name="PastDropped">Occurrences already past at submit, dropped.</param>
/// <param name="TooMany">More future occurrences than the cap: the send must be refused.</param>
internal readonly record struct Expansion(IReadOnlyList<DateTimeOffset> Occurrences, int PastDropped, bool TooMany);
