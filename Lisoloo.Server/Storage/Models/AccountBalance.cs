namespace Lisoloo.Server.Storage;

/// <summary>An account's money, in micros.</summary>
internal sealed record AccountBalance(long AccountId, string Merchant, string Environment, long BalanceMicros, long ReservedMicros, long UnitPriceMicros, string Currency);
