namespace Lisoloo.Server.Storage;

/// <summary>The result of one event delivery attempt.</summary>
internal sealed record EventAttempt(long Id, EventAttemptOutcome Outcome, int? HttpStatus, string? Error, long NextAttemptAt);
