namespace Lisoloo.Sdk;

/// <summary>What <c>GET /balance</c> answers for the key's merchant and environment.</summary>
public sealed record BalanceResult
{
    /// <summary>Gets the spendable balance (already net of reservations).</summary>
    public decimal Balance { get; init; }

    /// <summary>Gets the amount debited for messages that have not reached a final state yet (refundable if cancelled, skipped or rejected before the carrier).</summary>
    public decimal Reserved { get; init; }

    /// <summary>Gets the price of one SMS segment.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>Gets the ISO 4217 currency.</summary>
    public string Currency { get; init; } = string.Empty;

    /// <summary>Gets the environment of the key: <c>test</c> or <c>live</c>.</summary>
    public string Environment { get; init; } = string.Empty;
}
