namespace Lisoloo.Server.Storage;

/// <summary>
/// A receipt for one part, from a carrier that reports outcomes later (SMPP): the forms its id may take (see
/// <c>SmscMessageId.Candidates</c>, the stored form first), the state it maps to, and the carrier's words for it.
/// </summary>
internal sealed record PartReceipt(IReadOnlyList<string> Candidates, string State, string? Detail);
