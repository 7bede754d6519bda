namespace Lisoloo.Server.Storage;

/// <summary>The answer of cancel, pause or resume.</summary>
internal sealed record ActionOutcome(string Status, int RefundedMessages, long RefundedMicros, string Currency, int? SkippedOccurrences);
