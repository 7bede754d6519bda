namespace Lisoloo.Server.Storage;

/// <summary>The outcome of an idempotent request (an accept or an action): the response recorded for it, fresh or replayed.</summary>
internal sealed record AcceptOutcome(RecordedResponse Response, bool Replayed);
