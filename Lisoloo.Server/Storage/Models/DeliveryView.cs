namespace Lisoloo.Server.Storage;

/// <summary>One recipient of one occurrence.</summary>
internal sealed record DeliveryView(int Seq, string Recipient, string State, int? ErrorCode, string? ErrorMessage, long UpdatedAt, IReadOnlyList<(string State, long At)> Stages)
{
    /// <summary>The carrier's own words for the outcome (a receipt's <c>stat:</c>/<c>err:</c>, an SMPP status), when it gave any.</summary>
    public string? CarrierError { get; init; }
}
