namespace Lisoloo.Server.Storage;

/// <summary>One acknowledged part of a message: its number (1-based) of <paramref name="Parts"/>, and the id the carrier gave it (normalised).</summary>
internal sealed record CarrierPart(int Part, int Parts, string CarrierId)
{
    /// <summary>The id exactly as the carrier wrote it (before normalisation), for asking about the part later (<c>query_sm</c>); null when it is <see cref="CarrierId"/>.</summary>
    public string? RawId { get; init; }
}
