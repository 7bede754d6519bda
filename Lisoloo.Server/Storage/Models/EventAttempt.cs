namespace Lisoloo.Server.Storage;

/// <summary>The result of one event delivery attempt: the receiver's answer (its status, kept as <c>last_status</c>) or the error.</summary>
internal sealed record EventAttempt(long Id, EventAttemptOutcome Outcome, int? ReceiverStatus, string? Error, long NextAttemptAt);
